import { StrataError, type ErrorCode, type Issue, type Resource } from '@strata/api';
import type { DeleteCascade, ResourceRepository } from '@strata/store';
import type { Principal } from '../auth/principal.js';

/** What a hook sees about the request. */
export interface HookContext {
  principal: Principal;
  store: ResourceRepository;
  /** Project from the URL; undefined for tenant scope. */
  project: string | undefined;
}

/** The validated input of a create or update. */
export interface HookInput {
  metadata: { name: string; labels?: Record<string, string> };
  spec: Record<string, unknown>;
}

/**
 * Kind-specific behaviour plugged into ResourceService, so every kind keeps the same create/update/delete path:
 * semantic validation beyond the schema, immutability rules, the status a new object starts with.
 */
export interface KindHooks {
  /** Checks beyond the schema; every issue is reported at once with `invalidCode`. */
  validate?(ctx: HookContext, input: HookInput, previous?: Resource): Promise<Issue[]>;
  /** The error code for `validate` issues (default STRATA_VALIDATION_FAILED). */
  invalidCode?: ErrorCode;
  /**
   * `validate` reads any input safely and reports the schema's issues itself: it runs on input that fails the schema
   * too, so schema and semantic problems are reported together (a bad version does not hide unknown packs).
   */
  validatesShape?: boolean;
  /** Throws when an existing object may not change (e.g. a published profile version). */
  guardUpdate?(previous: Resource, input: HookInput): void;
  /** Throws when an object may not be deleted (e.g. a profile version in use). */
  guardDelete?(ctx: HookContext, previous: Resource): Promise<void>;
  /**
   * What must go in the same transaction as the delete (a user's API keys and binding entries, a tenant's
   * objects). Computed again when a dependent changed meanwhile.
   */
  deleteCascade?(ctx: HookContext, previous: Resource): Promise<DeleteCascade>;
  /**
   * What must change with an update in its transaction (disabling a user removes its keys and access). Computed
   * again when a dependent changed meanwhile.
   */
  updateCascade?(
    ctx: HookContext,
    previous: Resource,
    spec: Record<string, unknown>,
  ): Promise<Pick<DeleteCascade, 'updates' | 'deletes'> | undefined>;
  /**
   * Finalizers the platform owns for this kind: added on create and kept on every update (a client cannot drop
   * them); the kind's controller removes them when its cleanup is done.
   */
  finalizers?: readonly string[];
  /** Status of a newly created object. */
  initialStatus?(input: HookInput): Record<string, unknown>;
  /**
   * Runs after a successful create (e.g. a new tenant gets its built-in roles and packs); what it returns is added to
   * the create's answer, shown once (e.g. a new tenant's one-time admin password token).
   */
  afterCreate?(ctx: HookContext, created: Resource): Promise<Record<string, unknown> | void>;
  /** Spec as stored: fills server-computed fields (e.g. a pack's content digest). */
  normalizeSpec?(input: HookInput): Record<string, unknown>;
  /**
   * Seals values the kind's own rules make secret (e.g. a Cluster's sensitive variables), after validation and
   * before storing; `previous` is the stored object on update.
   */
  sealSpec?(
    ctx: HookContext,
    spec: Record<string, unknown>,
    previous?: Resource,
  ): Promise<Record<string, unknown>>;
}

/** Runs a delete again (its cascade computed anew) when a dependent changed meanwhile; at most 5 times. */
export async function retryCascade<T>(run: () => Promise<T>, retry: boolean): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      const conflict = err instanceof StrataError && err.code === 'STRATA_CONFLICT';
      if (!retry || !conflict || attempt >= 5) throw err;
    }
  }
}
