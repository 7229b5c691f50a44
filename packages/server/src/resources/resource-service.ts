import { StrataError, validationError, type ListResult, type Resource } from '@strata/api';
import type { ResourceRepository } from '@strata/store';
import { keyOwner } from '../auth/key-owner.js';
import { formatToken, hashSecret, newSecret } from '../auth/tokens.js';
import { authorize, checkScope, type Target } from './access.js';
import type { ValidInput } from './input-validation.js';
import { refuseNonEmptyProject, requireProject } from './project-rules.js';
import { guardReservedLabels } from './reserved-labels.js';
import { ownsKey } from './self-service.js';
import { retryCascade } from './kind-hooks.js';
import { keyExpiry, tenantPolicy } from '../auth/tenant-policy.js';
import { USER_LABEL } from '../auth/sessions.js';
import { applyMergePatch, isPlainObject } from './merge-patch.js';
import { redact, sealSecrets } from './secret-fields.js';
import { runValidateHook, specToStore } from './hook-steps.js';
import { keyOf, newObjectKey, storeScope } from './object-keys.js';
import { keepOwnedFinalizers } from './finalizers.js';
import { retryConflicts, SerialWrites } from './serial-writes.js';
import { ResourceReader } from './resource-reader.js';
import {
  ServiceSupport,
  type Created,
  type ListOptions,
  type RequestContext,
  type ResourceServiceOptions,
  type WriteOptions,
} from './service-support.js';

export type { Created, ListOptions, RequestContext, ResourceServiceOptions, WriteOptions };

/**
 * Create / read / update / patch / delete for every kind, the same way: scope check, authorization, strict
 * validation of the whole object, per-kind reference rules, secret sealing, store write (which audits), redaction.
 */
export class ResourceService {
  readonly #s: ServiceSupport;
  readonly #reader: ResourceReader;
  readonly #serial = new SerialWrites();

  constructor(options: ResourceServiceOptions) {
    this.#s = new ServiceSupport(options);
    this.#reader = new ResourceReader(options.store);
  }

  get store(): ResourceRepository {
    return this.#s.store;
  }

  /** Every version of a versioned object (ClusterProfile, Pack), oldest first. */
  versions(ctx: RequestContext, target: Target, name: string): Promise<ListResult<Resource>> {
    return this.#reader.versions(ctx, target, name);
  }

  get(ctx: RequestContext, target: Target, name: string, version?: string): Promise<Resource> {
    return this.#reader.get(ctx, target, name, version);
  }

  list(ctx: RequestContext, target: Target, options: ListOptions = {}): Promise<ListResult<Resource>> {
    return this.#reader.list(ctx, target, options);
  }

  async create(
    ctx: RequestContext,
    target: Target,
    body: unknown,
    options: WriteOptions = {},
  ): Promise<Created> {
    const { kind, project } = target;
    checkScope(target);
    this.#s.refuseReadOnly(kind);
    const selfService = kind.kind === 'ApiKey' && ownsKey(ctx.principal, body);
    if (!selfService) authorize(ctx.principal, target, 'create');
    const input = await this.#s.validInput(ctx, target, body);
    input.metadata.labels = guardReservedLabels(ctx.principal, input.metadata.labels, undefined);
    await requireProject(this.#s.store, ctx.principal, project);
    const scope = storeScope(ctx.principal, kind);
    await this.#s.checkRules(ctx, target, input.spec);
    const hooks = this.#s.hooks(kind);
    await runValidateHook(hooks, this.#s.hookContext(ctx, project), input);
    let spec = await sealSecrets({
      kind,
      spec: await specToStore(hooks, this.#s.hookContext(ctx, project), input),
      cipher: this.#s.options.cipher,
    });
    let status: Record<string, unknown> | undefined = hooks?.initialStatus?.(input);
    let key: string | undefined;
    if (kind.kind === 'ApiKey') {
      const secret = newSecret();
      spec = { ...spec, user: spec.user ?? ctx.principal.name };
      // A key without an expiry gets the latest the tenant's policy allows (checked above when one was asked for).
      const { expiresAt } = keyExpiry(
        await tenantPolicy(this.#s.store, ctx.principal.tenant),
        spec.expiresAt as string | undefined,
        Date.now(),
      );
      if (expiresAt) spec.expiresAt = expiresAt;
      // Admins list one user's keys with ?labelSelector=strata.dev/user=NAME.
      input.metadata.labels = { ...input.metadata.labels, [USER_LABEL]: String(spec.user) };
      const owner = await keyOwner(this.#s.store, ctx.principal.tenant, String(spec.user));
      status = { keyHash: hashSecret(secret), ...owner };
      // A dry run mints no usable key.
      if (!options.dryRun) key = formatToken(ctx.principal.tenant, input.metadata.name, secret);
    }
    const created = await this.#s.store.create(
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
      this.#s.actor(ctx),
    );
    if (options.dryRun) return redact(kind, created);
    const extra = await hooks?.afterCreate?.(this.#s.hookContext(ctx, project), created);
    this.#s.written(ctx, kind);
    const out: Created = { ...redact(kind, created), ...(extra ?? {}) };
    return key ? { ...out, key } : out;
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
    this.#s.refuseReadOnly(kind);
    const previous = await this.#reader.read(ctx, target, name, version, 'update');
    const input = await this.#s.validInput(ctx, target, body, previous);
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
    this.#s.refuseReadOnly(kind);
    if (!isPlainObject(patch))
      throw new StrataError('STRATA_MALFORMED_BODY', 'a merge patch must be a JSON object');
    const pm = isPlainObject(patch.metadata) ? patch.metadata : {};
    const explicitRv = typeof pm.resourceVersion === 'string' ? pm.resourceVersion : undefined;
    const attempt = async () => {
      const previous = await this.#reader.read(ctx, target, name, version, 'update');
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
      const input = await this.#s.validInput(ctx, target, merged, previous);
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
    this.#s.refuseReadOnly(kind);
    const previous = await this.#reader.read(ctx, target, name, options.version, 'delete');
    if (kind.kind === 'Project') await refuseNonEmptyProject(this.#s.store, ctx.principal.tenant, name);
    const hooks = this.#s.hooks(kind);
    const hctx = this.#s.hookContext(ctx, target.project);
    await hooks?.guardDelete?.(hctx, previous);
    const result = await retryCascade(
      async () => {
        const cascade = await hooks?.deleteCascade?.(hctx, previous);
        return this.#s.store.delete(
          storeScope(ctx.principal, kind),
          keyOf(previous),
          {
            ...(options.resourceVersion ? { expectedResourceVersion: options.resourceVersion } : {}),
            ...(options.dryRun ? { dryRun: true } : {}),
            ...(cascade ? { cascade } : {}),
          },
          this.#s.actor(ctx),
        );
      },
      hooks?.deleteCascade !== undefined && !options.resourceVersion,
    );
    if (!options.dryRun) {
      this.#s.written(ctx, kind);
      if (kind.kind === 'Tenant') this.#s.accessChanged(previous.metadata.name);
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
    const previous = await this.#reader.read(ctx, target, name, undefined, 'get');
    const updated = await this.#s.store.updateStatus(storeScope(ctx.principal, target.kind), {
      key: keyOf(previous),
      status,
      ...(resourceVersion ? { expectedResourceVersion: resourceVersion } : {}),
    });
    this.#s.options.onWrite?.(target.kind.kind, ctx.principal.tenant);
    return redact(target.kind, updated);
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
    await this.#s.checkRules(ctx, target, input.spec, previous);
    const hooks = this.#s.hooks(kind);
    hooks?.guardUpdate?.(previous, input);
    await runValidateHook(hooks, this.#s.hookContext(ctx, project), input, previous);
    const spec = await sealSecrets({
      kind,
      spec: await specToStore(hooks, this.#s.hookContext(ctx, project), input, previous),
      stored: previous.spec,
      cipher: this.#s.options.cipher,
    });
    if (kind.kind === 'ApiKey') spec.user = previous.spec.user;
    const hctx = this.#s.hookContext(ctx, project);
    const updated = await retryCascade(
      async () => {
        const cascade = await hooks?.updateCascade?.(hctx, previous, spec);
        return this.#s.store.update(
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
            ...(cascade ? { cascade } : {}),
          },
          this.#s.actor(ctx),
        );
      },
      hooks?.updateCascade !== undefined && !rv,
    );
    if (!dryRun) this.#s.written(ctx, kind);
    return redact(kind, updated);
  }
}
