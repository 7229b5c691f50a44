import {
  StrataError,
  compareVersions,
  validationError,
  type KindDefinition,
  type ListResult,
  type Resource,
} from '@strata/api';
import type { Actor, ResourceRepository } from '@strata/store';
import { ACCESS_KINDS } from '../auth/builtin-roles.js';
import type { Principal } from '../auth/principal.js';
import type { PrincipalLoader } from '../auth/principal-loader.js';
import { keyOwner } from '../auth/key-owner.js';
import { formatToken, hashSecret, newSecret } from '../auth/tokens.js';
import { authorize, checkScope, type Target } from './access.js';
import { checkKindRules } from './kind-rules.js';
import { throwIssues, validateInputWithHook, type ValidInput } from './input-validation.js';
import { refuseNonEmptyProject, requireProject } from './project-rules.js';
import { guardReservedLabels } from './reserved-labels.js';
import { listFilter, ownsKey, selfAccess } from './self-service.js';
import { retryCascade, type HookContext, type KindHooks } from './kind-hooks.js';
import { applyMergePatch, isPlainObject } from './merge-patch.js';
import { redact, sealSecrets, type SecretCipher } from './secret-fields.js';
import { boundedSelector } from './list-selector.js';
import { runValidateHook, specToStore } from './hook-steps.js';
import { keyOf, newObjectKey, storeScope } from './object-keys.js';
import { keepOwnedFinalizers } from './finalizers.js';
import { retryConflicts, SerialWrites } from './serial-writes.js';

export interface ResourceServiceOptions {
  store: ResourceRepository;
  cipher: SecretCipher;
  principals: PrincipalLoader;
  /** Called after writes that change who may do what in a tenant (keys, users, roles, bindings, teams). */
  onAccessChange?: (tenant: string) => void;
  /** Called after every successful write (wakes watchers, invalidates caches). */
  onWrite?: (kind: string, tenant: string) => void;
  /** Kind-specific validation, immutability and initial status, by kind name. */
  hooks?: Readonly<Record<string, KindHooks>>;
}

export interface RequestContext {
  principal: Principal;
  requestId?: string;
}

export interface ListOptions {
  labelSelector?: string | undefined;
  limit?: number | undefined;
  continue?: string | undefined;
}

/** A created object, plus the one-time secret for kinds that have one (ApiKey). */
export type Created = Resource & { key?: string };

export interface WriteOptions {
  /**
   * Run every check (authorization, validation, kind rules and hooks, preconditions) and answer with the result,
   * but store nothing: no object, no change event, no audit entry, no hook side effects, no controller wakeup.
   */
  dryRun?: boolean | undefined;
}

/**
 * Create / read / update / patch / delete for every kind, the same way: scope check, authorization, strict
 * validation of the whole object, per-kind reference rules, secret sealing, store write (which audits), redaction.
 */
export class ResourceService {
  readonly #o: ResourceServiceOptions;
  readonly #serial = new SerialWrites();

  constructor(options: ResourceServiceOptions) {
    this.#o = options;
  }

  get store(): ResourceRepository {
    return this.#o.store;
  }

  /** Every version of a versioned object (ClusterProfile, Pack), oldest first. */
  async versions(ctx: RequestContext, target: Target, name: string): Promise<ListResult<Resource>> {
    checkScope(target);
    authorize(ctx.principal, target, 'list');
    const result = await this.#o.store.list(storeScope(ctx.principal, target.kind), {
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

  async create(
    ctx: RequestContext,
    target: Target,
    body: unknown,
    options: WriteOptions = {},
  ): Promise<Created> {
    const { kind, project } = target;
    checkScope(target);
    this.#refuseReadOnly(kind);
    const selfService = kind.kind === 'ApiKey' && ownsKey(ctx.principal, body);
    if (!selfService) authorize(ctx.principal, target, 'create');
    const input = await this.#validInput(ctx, target, body);
    input.metadata.labels = guardReservedLabels(ctx.principal, input.metadata.labels, undefined);
    await requireProject(this.#o.store, ctx.principal, project);
    const scope = storeScope(ctx.principal, kind);
    const ruleIssues = await checkKindRules(
      kind.kind,
      { store: this.#o.store, scope, principal: ctx.principal, project, principals: this.#o.principals },
      input.spec,
    );
    throwIssues(ruleIssues);
    const hooks = this.#hooks(kind);
    await runValidateHook(hooks, this.#hookContext(ctx, project), input);
    let spec = await sealSecrets({
      kind,
      spec: await specToStore(hooks, this.#hookContext(ctx, project), input),
      cipher: this.#o.cipher,
    });
    let status: Record<string, unknown> | undefined = hooks?.initialStatus?.(input);
    let key: string | undefined;
    if (kind.kind === 'ApiKey') {
      const secret = newSecret();
      spec = { ...spec, user: spec.user ?? ctx.principal.name };
      const owner = await keyOwner(this.#o.store, ctx.principal.tenant, String(spec.user));
      status = { keyHash: hashSecret(secret), ...owner };
      // A dry run mints no usable key.
      if (!options.dryRun) key = formatToken(ctx.principal.tenant, input.metadata.name, secret);
    }
    const created = await this.#o.store.create(
      scope,
      {
        key: newObjectKey(scope, kind, project, input.metadata.name, spec),
        labels: input.metadata.labels ?? {},
        annotations: input.metadata.annotations ?? {},
        finalizers: [...new Set([...(input.metadata.finalizers ?? []), ...(hooks?.finalizers ?? [])])],
        spec,
        ...(status ? { status } : {}),
        ...(options.dryRun ? { dryRun: true } : {}),
      },
      this.#actor(ctx),
    );
    if (options.dryRun) return redact(kind, created);
    await hooks?.afterCreate?.(this.#hookContext(ctx, project), created);
    this.#written(ctx, kind);
    const out: Created = redact(kind, created);
    return key ? { ...out, key } : out;
  }

  async get(ctx: RequestContext, target: Target, name: string, version?: string): Promise<Resource> {
    const obj = await this.#read(ctx, target, name, version, 'get');
    return redact(target.kind, obj);
  }

  async list(ctx: RequestContext, target: Target, options: ListOptions = {}): Promise<ListResult<Resource>> {
    const { kind, project } = target;
    checkScope(target);
    const filter = listFilter(ctx.principal, target);
    if (!filter) authorize(ctx.principal, target, 'list');
    const result = await this.#o.store.list(storeScope(ctx.principal, kind), {
      kind: kind.kind,
      project: project ?? '',
      ...(options.labelSelector ? { labelSelector: boundedSelector(options.labelSelector) } : {}),
      ...(options.limit !== undefined ? { limit: options.limit } : {}),
      ...(options.continue ? { continue: options.continue } : {}),
    });
    const items = (filter ? result.items.filter(filter) : result.items).map((o) => redact(kind, o));
    return { ...result, items };
  }

  async update(
    ctx: RequestContext,
    target: Target,
    name: string,
    body: unknown,
    version?: string,
    options: WriteOptions = {},
  ): Promise<Resource> {
    const { kind } = target;
    checkScope(target);
    this.#refuseReadOnly(kind);
    const previous = await this.#read(ctx, target, name, version, 'update');
    const input = await this.#validInput(ctx, target, body, previous);
    if (input.metadata.name !== name) {
      throw validationError([
        { path: '/metadata/name', message: `must match the name in the URL ("${name}")` },
      ]);
    }
    return this.#write(ctx, target, previous, input, input.metadata.resourceVersion, options.dryRun);
  }

  /**
   * RFC 7396 merge patch. Without `metadata.resourceVersion` in the patch it always lands: patches of one object
   * queue in this process, and one that lost a race with another replica is applied again to the newer object.
   */
  async patch(
    ctx: RequestContext,
    target: Target,
    name: string,
    patch: unknown,
    version?: string,
    options: WriteOptions = {},
  ): Promise<Resource> {
    const { kind, project } = target;
    checkScope(target);
    this.#refuseReadOnly(kind);
    if (!isPlainObject(patch))
      throw new StrataError('STRATA_MALFORMED_BODY', 'a merge patch must be a JSON object');
    const pm = isPlainObject(patch.metadata) ? patch.metadata : {};
    const explicitRv = typeof pm.resourceVersion === 'string' ? pm.resourceVersion : undefined;
    const attempt = async () => {
      const previous = await this.#read(ctx, target, name, version, 'update');
      const current = redact(kind, previous);
      const base = {
        metadata: {
          name,
          labels: current.metadata.labels,
          annotations: current.metadata.annotations,
          finalizers: current.metadata.finalizers,
        },
        spec: current.spec,
      };
      const merged = applyMergePatch(base, patch) as Record<string, unknown>;
      const input = await this.#validInput(ctx, target, merged, previous);
      const rv = explicitRv ?? previous.metadata.resourceVersion;
      return this.#write(ctx, target, previous, input, rv, options.dryRun);
    };
    if (explicitRv !== undefined) return attempt();
    const objectKey = [ctx.principal.tenant, kind.kind, project ?? '', name, version ?? ''].join('\0');
    return this.#serial.run(objectKey, () => retryConflicts(attempt));
  }

  async delete(
    ctx: RequestContext,
    target: Target,
    name: string,
    options: { resourceVersion?: string; version?: string } & WriteOptions = {},
  ) {
    const { kind } = target;
    checkScope(target);
    this.#refuseReadOnly(kind);
    const previous = await this.#read(ctx, target, name, options.version, 'delete');
    if (kind.kind === 'Project') await refuseNonEmptyProject(this.#o.store, ctx.principal.tenant, name);
    const hooks = this.#hooks(kind);
    const hctx = this.#hookContext(ctx, target.project);
    await hooks?.guardDelete?.(hctx, previous);
    const result = await retryCascade(
      async () => {
        const cascade = await hooks?.deleteCascade?.(hctx, previous);
        return this.#o.store.delete(
          storeScope(ctx.principal, kind),
          keyOf(previous),
          {
            ...(options.resourceVersion ? { expectedResourceVersion: options.resourceVersion } : {}),
            ...(options.dryRun ? { dryRun: true } : {}),
            ...(cascade ? { cascade } : {}),
          },
          this.#actor(ctx),
        );
      },
      hooks?.deleteCascade !== undefined && !options.resourceVersion,
    );
    if (!options.dryRun) {
      this.#written(ctx, kind);
      if (kind.kind === 'Tenant') this.#accessChanged(previous.metadata.name);
    }
    return { deleted: result.deleted, object: redact(kind, result.object) };
  }

  /** Status is written only by the platform (controllers, agents through their gateway). */
  async updateStatus(
    ctx: RequestContext,
    target: Target,
    name: string,
    status: unknown,
    resourceVersion?: string,
  ) {
    if (ctx.principal.type !== 'system') {
      throw new StrataError('STRATA_FORBIDDEN', 'status is written only by the platform');
    }
    if (!isPlainObject(status)) throw validationError([{ path: '/status', message: 'must be an object' }]);
    const previous = await this.#read(ctx, target, name, undefined, 'get');
    const updated = await this.#o.store.updateStatus(storeScope(ctx.principal, target.kind), {
      key: keyOf(previous),
      status,
      ...(resourceVersion ? { expectedResourceVersion: resourceVersion } : {}),
    });
    this.#o.onWrite?.(target.kind.kind, ctx.principal.tenant);
    return redact(target.kind, updated);
  }

  /** Reads the raw stored object after authorization (404 when absent or invisible). */
  async #read(
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
    const obj = await this.#o.store.get(scope, {
      kind: kind.kind,
      tenant: storeScope(ctx.principal, kind).tenant,
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

  async #write(
    ctx: RequestContext,
    target: Target,
    previous: Resource,
    input: ValidInput,
    rv: string | undefined,
    dryRun = false,
  ) {
    const { kind, project } = target;
    if (input.spec.version !== undefined && kind.versioned && input.spec.version !== previous.spec.version) {
      throw validationError([
        {
          path: '/spec/version',
          message: 'the version of an existing object cannot change; create a new version',
        },
      ]);
    }
    input.metadata.labels = guardReservedLabels(
      ctx.principal,
      input.metadata.labels,
      previous.metadata.labels,
    );
    const scope = storeScope(ctx.principal, kind);
    const issues = await checkKindRules(
      kind.kind,
      {
        store: this.#o.store,
        scope,
        principal: ctx.principal,
        project,
        previous,
        principals: this.#o.principals,
      },
      input.spec,
    );
    throwIssues(issues);
    const hooks = this.#hooks(kind);
    hooks?.guardUpdate?.(previous, input);
    await runValidateHook(hooks, this.#hookContext(ctx, project), input, previous);
    const spec = await sealSecrets({
      kind,
      spec: await specToStore(hooks, this.#hookContext(ctx, project), input, previous),
      stored: previous.spec,
      cipher: this.#o.cipher,
    });
    if (kind.kind === 'ApiKey') spec.user = previous.spec.user;
    const updated = await this.#o.store.update(
      scope,
      {
        key: keyOf(previous),
        ...(rv ? { expectedResourceVersion: rv } : {}),
        labels: input.metadata.labels ?? {},
        annotations: input.metadata.annotations ?? {},
        ...(input.metadata.finalizers
          ? { finalizers: keepOwnedFinalizers(input.metadata.finalizers, previous, hooks) }
          : {}),
        spec,
        // A dry run is the same write, rolled back: preconditions and the result are the real ones.
        ...(dryRun ? { dryRun: true } : {}),
      },
      this.#actor(ctx),
    );
    if (!dryRun) this.#written(ctx, kind);
    return redact(kind, updated);
  }

  /** The schema check, reporting the kind's semantic issues with the schema's when its hook can (profiles). */
  #validInput(ctx: RequestContext, target: Target, body: unknown, previous?: Resource): Promise<ValidInput> {
    const { kind, project } = target;
    const context = this.#hookContext(ctx, project);
    return validateInputWithHook(kind, project, body, { hooks: this.#hooks(kind), context, previous });
  }

  #hooks(kind: KindDefinition): KindHooks | undefined {
    return this.#o.hooks?.[kind.kind];
  }

  #hookContext(ctx: RequestContext, project: string | undefined): HookContext {
    return { principal: ctx.principal, store: this.#o.store, project };
  }

  #refuseReadOnly(kind: KindDefinition): void {
    if (kind.readOnly)
      throw new StrataError(
        'STRATA_METHOD_NOT_ALLOWED',
        `${kind.kind} objects are written only by the platform`,
      );
  }

  #actor(ctx: RequestContext): Actor {
    return { name: ctx.principal.name, ...(ctx.requestId ? { requestId: ctx.requestId } : {}) };
  }

  #written(ctx: RequestContext, kind: KindDefinition): void {
    if (ACCESS_KINDS.has(kind.kind.toLowerCase()) || kind.kind === 'ApiKey')
      this.#accessChanged(ctx.principal.tenant);
    this.#o.onWrite?.(kind.kind, ctx.principal.tenant);
  }

  #accessChanged(tenant: string): void {
    this.#o.principals.invalidate(tenant);
    this.#o.onAccessChange?.(tenant);
  }
}
