import {
  findKind,
  StrataError,
  validationError,
  type KindDefinition,
  type ListResult,
  type Resource,
} from '@strata/api';
import {
  parseLabelSelector,
  type AccessScope,
  type Actor,
  type ObjectKey,
  type ResourceRepository,
} from '@strata/store';
import { ACCESS_KINDS } from '../auth/builtin-roles.js';
import { accessScope, type Principal } from '../auth/principal.js';
import type { PrincipalLoader } from '../auth/principal-loader.js';
import { formatToken, hashSecret, newSecret } from '../auth/tokens.js';
import { authorize, checkScope, type Target } from './access.js';
import { checkKindRules } from './kind-rules.js';
import { throwIssues, validateInputWithHook, type ValidInput } from './input-validation.js';
import { refuseNonEmptyProject, requireProject } from './project-rules.js';
import { guardReservedLabels } from './reserved-labels.js';
import { listFilter, ownsKey, selfAccess } from './self-service.js';
import { compareVersions } from './versions.js';
import type { HookContext, KindHooks } from './kind-hooks.js';
import { applyMergePatch, isPlainObject } from './merge-patch.js';
import { redact, sealSecrets, type SecretCipher } from './secret-fields.js';

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

/**
 * Create / read / update / patch / delete for every kind, the same way: scope check, authorization, strict
 * validation of the whole object, per-kind reference rules, secret sealing, store write (which audits), redaction.
 */
export class ResourceService {
  readonly #o: ResourceServiceOptions;

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
    const result = await this.#o.store.list(this.#scope(ctx, target.kind), {
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

  async create(ctx: RequestContext, target: Target, body: unknown): Promise<Created> {
    const { kind, project } = target;
    checkScope(target);
    this.#refuseReadOnly(kind);
    const selfService = kind.kind === 'ApiKey' && ownsKey(ctx.principal, body);
    if (!selfService) authorize(ctx.principal, target, 'create');
    const input = await this.#validInput(ctx, target, body);
    input.metadata.labels = guardReservedLabels(ctx.principal, input.metadata.labels, undefined);
    await requireProject(this.#o.store, ctx.principal, project);
    const scope = this.#scope(ctx, kind);
    const ruleIssues = await checkKindRules(
      kind.kind,
      { store: this.#o.store, scope, principal: ctx.principal, project, principals: this.#o.principals },
      input.spec,
    );
    throwIssues(ruleIssues);
    const hooks = this.#hooks(kind);
    await this.#runValidateHook(hooks, this.#hookContext(ctx, project), input);
    let spec = await sealSecrets({
      kind,
      spec: await this.#sealSpec(hooks, this.#hookContext(ctx, project), input),
      cipher: this.#o.cipher,
    });
    let status: Record<string, unknown> | undefined = hooks?.initialStatus?.(input);
    let key: string | undefined;
    if (kind.kind === 'ApiKey') {
      const secret = newSecret();
      spec = { ...spec, user: spec.user ?? ctx.principal.name };
      status = { keyHash: hashSecret(secret) };
      key = formatToken(ctx.principal.tenant, input.metadata.name, secret);
    }
    const created = await this.#o.store.create(
      scope,
      {
        key: this.#key(ctx, kind, project, input.metadata.name, spec),
        labels: input.metadata.labels ?? {},
        annotations: input.metadata.annotations ?? {},
        finalizers: [...new Set([...(input.metadata.finalizers ?? []), ...(hooks?.finalizers ?? [])])],
        spec,
        ...(status ? { status } : {}),
      },
      this.#actor(ctx),
    );
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
    const result = await this.#o.store.list(this.#scope(ctx, kind), {
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
    options: { dryRun?: boolean } = {},
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

  async patch(
    ctx: RequestContext,
    target: Target,
    name: string,
    patch: unknown,
    version?: string,
  ): Promise<Resource> {
    const { kind } = target;
    checkScope(target);
    this.#refuseReadOnly(kind);
    if (!isPlainObject(patch))
      throw new StrataError('STRATA_MALFORMED_BODY', 'a merge patch must be a JSON object');
    for (let attempt = 0; ; attempt++) {
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
      const pm = isPlainObject(patch.metadata) ? patch.metadata : {};
      const explicitRv = typeof pm.resourceVersion === 'string' ? pm.resourceVersion : undefined;
      const input = await this.#validInput(ctx, target, merged, previous);
      try {
        return await this.#write(
          ctx,
          target,
          previous,
          input,
          explicitRv ?? previous.metadata.resourceVersion,
        );
      } catch (err) {
        // Without an explicit precondition a patch retries on a concurrent change, like kubectl's.
        if (explicitRv || attempt >= 4 || !(err instanceof StrataError) || err.code !== 'STRATA_CONFLICT')
          throw err;
      }
    }
  }

  async delete(
    ctx: RequestContext,
    target: Target,
    name: string,
    options: { resourceVersion?: string; version?: string } = {},
  ) {
    const { kind } = target;
    checkScope(target);
    this.#refuseReadOnly(kind);
    const previous = await this.#read(ctx, target, name, options.version, 'delete');
    if (kind.kind === 'Project') await refuseNonEmptyProject(this.#o.store, ctx.principal.tenant, name);
    await this.#hooks(kind)?.guardDelete?.(this.#hookContext(ctx, target.project), previous);
    const result = await this.#o.store.delete(
      this.#scope(ctx, kind),
      this.#keyOf(previous),
      options.resourceVersion ? { expectedResourceVersion: options.resourceVersion } : {},
      this.#actor(ctx),
    );
    this.#written(ctx, kind);
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
    const updated = await this.#o.store.updateStatus(this.#scope(ctx, target.kind), {
      key: this.#keyOf(previous),
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
    const scope = this.#scope(ctx, kind);
    const selfRead = selfAccess(ctx.principal, target, name, verb);
    if (kind.versioned && !version) {
      authorize(ctx.principal, target, verb);
      const all = await this.versions(ctx, target, name);
      version = String(all.items[all.items.length - 1]!.spec.version);
    }
    const obj = await this.#o.store.get(scope, {
      kind: kind.kind,
      tenant: this.#scope(ctx, kind).tenant,
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
    const scope = this.#scope(ctx, kind);
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
    await this.#runValidateHook(hooks, this.#hookContext(ctx, project), input, previous);
    const spec = await sealSecrets({
      kind,
      spec: await this.#sealSpec(hooks, this.#hookContext(ctx, project), input, previous),
      stored: previous.spec,
      cipher: this.#o.cipher,
    });
    if (kind.kind === 'ApiKey') spec.user = previous.spec.user;
    // Every check has passed: a dry run answers with what would be stored, and stores nothing.
    if (dryRun) return redact(kind, { ...previous, spec });
    const updated = await this.#o.store.update(
      scope,
      {
        key: this.#keyOf(previous),
        ...(rv ? { expectedResourceVersion: rv } : {}),
        labels: input.metadata.labels ?? {},
        annotations: input.metadata.annotations ?? {},
        ...(input.metadata.finalizers
          ? { finalizers: keepOwnedFinalizers(input.metadata.finalizers, previous, hooks) }
          : {}),
        spec,
      },
      this.#actor(ctx),
    );
    this.#written(ctx, kind);
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

  /** The spec to store before secret fields are sealed: normalized, then the kind's own values sealed. */
  async #sealSpec(
    hooks: KindHooks | undefined,
    hctx: HookContext,
    input: ValidInput,
    previous?: Resource,
  ): Promise<Record<string, unknown>> {
    const spec = hooks?.normalizeSpec?.(input) ?? input.spec;
    return (await hooks?.sealSpec?.(hctx, spec, previous)) ?? spec;
  }

  async #runValidateHook(
    hooks: KindHooks | undefined,
    hctx: HookContext,
    input: ValidInput,
    previous?: Resource,
  ): Promise<void> {
    const issues = (await hooks?.validate?.(hctx, input, previous)) ?? [];
    if (issues.length === 0) return;
    const code = hooks?.invalidCode ?? 'STRATA_VALIDATION_FAILED';
    throw new StrataError(
      code,
      `${issues.length} problem${issues.length === 1 ? '' : 's'} (listed in issues)`,
      issues,
    );
  }

  #refuseReadOnly(kind: KindDefinition): void {
    if (kind.readOnly)
      throw new StrataError(
        'STRATA_METHOD_NOT_ALLOWED',
        `${kind.kind} objects are written only by the platform`,
      );
  }

  #key(
    ctx: RequestContext,
    kind: KindDefinition,
    project: string | undefined,
    name: string,
    spec: Record<string, unknown>,
  ): ObjectKey {
    return {
      kind: kind.kind,
      tenant: this.#scope(ctx, kind).tenant,
      project: project ?? '',
      name,
      ...(kind.versioned ? { version: String(spec.version) } : {}),
    };
  }

  #keyOf(obj: Resource): ObjectKey {
    const version = findKind(obj.kind)?.versioned ? String(obj.spec.version) : undefined;
    return {
      kind: obj.kind,
      tenant: obj.metadata.tenant,
      project: obj.metadata.project ?? '',
      name: obj.metadata.name,
      ...(version !== undefined ? { version } : {}),
    };
  }

  /** The store scope for a request: tenants themselves live above every tenant (tenant ''). */
  #scope(ctx: RequestContext, kind: KindDefinition): AccessScope {
    return kind.scope === 'system' ? { tenant: '', projects: '*' } : accessScope(ctx.principal);
  }

  #actor(ctx: RequestContext): Actor {
    return { name: ctx.principal.name, ...(ctx.requestId ? { requestId: ctx.requestId } : {}) };
  }

  #written(ctx: RequestContext, kind: KindDefinition): void {
    if (ACCESS_KINDS.has(kind.kind.toLowerCase()) || kind.kind === 'ApiKey') {
      this.#o.principals.invalidate(ctx.principal.tenant);
      this.#o.onAccessChange?.(ctx.principal.tenant);
    }
    this.#o.onWrite?.(kind.kind, ctx.principal.tenant);
  }
}

const MAX_SELECTOR_CHARS = 4096;
const MAX_SELECTOR_REQUIREMENTS = 64;

/** Parses a label selector, refusing ones too large to be a real query (they would only load the database). */
function boundedSelector(text: string) {
  const fail = (message: string) =>
    new StrataError('STRATA_BAD_REQUEST', message, [{ path: '/labelSelector', message }]);
  if (text.length > MAX_SELECTOR_CHARS)
    throw fail(`a label selector may be at most ${MAX_SELECTOR_CHARS} characters`);
  const parsed = parseLabelSelector(text);
  if (parsed.length > MAX_SELECTOR_REQUIREMENTS)
    throw fail(`a label selector may have at most ${MAX_SELECTOR_REQUIREMENTS} requirements`);
  return parsed;
}

/** The client's finalizers plus the platform-owned ones the stored object still carries. */
function keepOwnedFinalizers(
  requested: readonly string[],
  previous: Resource,
  hooks: KindHooks | undefined,
): string[] {
  const owned = (previous.metadata.finalizers ?? []).filter((f) => hooks?.finalizers?.includes(f));
  return [...new Set([...requested, ...owned])];
}
