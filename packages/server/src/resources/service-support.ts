import { StrataError, type KindDefinition, type Resource } from '@strata/api';
import type { Actor, ResourceRepository } from '@strata/store';
import { ACCESS_KINDS } from '../auth/builtin-roles.js';
import type { Principal } from '../auth/principal.js';
import type { PrincipalLoader } from '../auth/principal-loader.js';
import type { Target } from './access.js';
import { throwIssues, validateInputWithHook, type ValidInput } from './input-validation.js';
import { checkKindRules } from './kind-rules.js';
import { storeScope } from './object-keys.js';
import type { HookContext, KindHooks } from './kind-hooks.js';
import type { SecretCipher } from './secret-fields.js';

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

/** What every step of the ResourceService shares: the options, hooks by kind, the actor, and what a write wakes. */
export class ServiceSupport {
  readonly options: ResourceServiceOptions;

  constructor(options: ResourceServiceOptions) {
    this.options = options;
  }

  get store(): ResourceRepository {
    return this.options.store;
  }

  hooks(kind: KindDefinition): KindHooks | undefined {
    return this.options.hooks?.[kind.kind];
  }

  hookContext(ctx: RequestContext, project: string | undefined): HookContext {
    return { principal: ctx.principal, store: this.options.store, project };
  }

  /** The schema check, reporting the kind's semantic issues with the schema's when its hook can (profiles). */
  validInput(ctx: RequestContext, target: Target, body: unknown, previous?: Resource): Promise<ValidInput> {
    const { kind, project } = target;
    const context = this.hookContext(ctx, project);
    return validateInputWithHook(kind, project, body, { hooks: this.hooks(kind), context, previous });
  }

  /** The kind's reference rules (roles exist, members are users ...); throws every issue at once. */
  async checkRules(
    ctx: RequestContext,
    target: Target,
    spec: Record<string, unknown>,
    previous?: Resource,
  ): Promise<void> {
    const { kind, project } = target;
    const issues = await checkKindRules(
      kind.kind,
      {
        store: this.options.store,
        scope: storeScope(ctx.principal, kind),
        principal: ctx.principal,
        project,
        ...(previous ? { previous } : {}),
        principals: this.options.principals,
      },
      spec,
    );
    throwIssues(issues);
  }

  refuseReadOnly(kind: KindDefinition): void {
    if (kind.readOnly)
      throw new StrataError(
        'STRATA_METHOD_NOT_ALLOWED',
        `${kind.kind} objects are written only by the platform`,
      );
  }

  actor(ctx: RequestContext): Actor {
    return { name: ctx.principal.name, ...(ctx.requestId ? { requestId: ctx.requestId } : {}) };
  }

  /** After a successful write: access caches of the tenant when the kind grants access, then watchers. */
  written(ctx: RequestContext, kind: KindDefinition): void {
    if (ACCESS_KINDS.has(kind.kind.toLowerCase()) || kind.kind === 'ApiKey')
      this.accessChanged(ctx.principal.tenant);
    this.options.onWrite?.(kind.kind, ctx.principal.tenant);
  }

  accessChanged(tenant: string): void {
    this.options.principals.invalidate(tenant);
    this.options.onAccessChange?.(tenant);
  }
}
