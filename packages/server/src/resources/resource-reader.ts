import { StrataError, compareVersions, type ListResult, type Resource } from '@strata/api';
import type { ResourceRepository } from '@strata/store';
import { authorize, checkScope, type Target } from './access.js';
import { boundedSelector } from './list-selector.js';
import { storeScope } from './object-keys.js';
import { redact } from './secret-fields.js';
import { listFilter, selfAccess } from './self-service.js';
import type { ListOptions, RequestContext } from './service-support.js';

/** The read side of the ResourceService: scope check, authorization (or self-service), store read, redaction. */
export class ResourceReader {
  readonly #store: ResourceRepository;

  constructor(store: ResourceRepository) {
    this.#store = store;
  }

  /** Every version of a versioned object (ClusterProfile, Pack), oldest first. */
  async versions(ctx: RequestContext, target: Target, name: string): Promise<ListResult<Resource>> {
    checkScope(target);
    authorize(ctx.principal, target, 'list');
    const result = await this.#store.list(storeScope(ctx.principal, target.kind), {
      kind: target.kind.kind,
      project: target.project ?? '',
      name,
      limit: 1000,
    });
    const items = result.items.map((o) => redact(target.kind, o));
    items.sort((a, b) => compareVersions(String(a.spec.version), String(b.spec.version)));
    if (items.length === 0)
      throw new StrataError('STRATA_NOT_FOUND', `${target.kind.kind} "${name}" not found`);
    return { ...result, items };
  }

  async get(ctx: RequestContext, target: Target, name: string, version?: string): Promise<Resource> {
    const obj = await this.read(ctx, target, name, version, 'get');
    return redact(target.kind, obj);
  }

  async list(ctx: RequestContext, target: Target, options: ListOptions = {}): Promise<ListResult<Resource>> {
    const { kind, project } = target;
    checkScope(target);
    const filter = listFilter(ctx.principal, target);
    if (!filter) authorize(ctx.principal, target, 'list');
    const result = await this.#store.list(storeScope(ctx.principal, kind), {
      kind: kind.kind,
      project: project ?? '',
      ...(options.labelSelector ? { labelSelector: boundedSelector(options.labelSelector) } : {}),
      ...(options.limit !== undefined ? { limit: options.limit } : {}),
      ...(options.continue ? { continue: options.continue } : {}),
    });
    const items = (filter ? result.items.filter(filter) : result.items).map((o) => redact(kind, o));
    return { ...result, items };
  }

  /**
   * Reads the raw stored object (secrets sealed, not redacted) after authorization for `verb`; 404 when absent or
   * invisible. A versioned kind without `version` reads its newest version.
   */
  async read(
    ctx: RequestContext,
    target: Target,
    name: string,
    version: string | undefined,
    verb: string,
  ): Promise<Resource> {
    const { kind, project } = target;
    checkScope(target);
    const scope = storeScope(ctx.principal, kind);
    const selfRead = selfAccess(ctx.principal, target, name, verb);
    if (kind.versioned && !version) {
      authorize(ctx.principal, target, verb);
      const all = await this.versions(ctx, target, name);
      version = String(all.items[all.items.length - 1]!.spec.version);
    }
    const obj = await this.#store.get(scope, {
      kind: kind.kind,
      tenant: scope.tenant,
      project: project ?? '',
      name,
      ...(kind.versioned && version ? { version } : {}),
    });
    const ownKey = kind.kind === 'ApiKey' && obj?.spec.user === ctx.principal.name;
    if (!selfRead && !ownKey) authorize(ctx.principal, target, verb);
    if (!obj) {
      const where = project === undefined ? '' : ` in project "${project}"`;
      throw new StrataError(
        'STRATA_NOT_FOUND',
        `${kind.kind} "${name}"${version ? ` version ${version}` : ''} not found${where}`,
      );
    }
    return obj;
  }
}
