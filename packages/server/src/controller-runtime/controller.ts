import type { ObjectKey } from '@strata/store';
import type { Clock } from './clock.js';
import type { Result } from './result.js';

export interface ReconcileContext {
  /** The controller's name (for logs, events and metrics). */
  readonly controller: string;
  /** Aborted when the runtime stops or this replica lost the key's lease: stop and return soon. */
  readonly signal: AbortSignal;
  readonly clock: Clock;
  /** 1 for the first attempt after a success, then 2, 3 … while failures repeat. */
  readonly attempt: number;
}

/**
 * A reconciler: observe, compare, act, write status. Re-entrant: it may run again for the same key at any
 * time (after a crash, a resync, or on another replica after a lease expires).
 */
export interface Controller<K = ObjectKey> {
  readonly name: string;
  reconcile(ctx: ReconcileContext, key: K): Promise<Result>;
}

/** A stable id for a key: JSON with sorted object keys (so {a,b} and {b,a} are one item). */
export function keyId(key: unknown): string {
  return JSON.stringify(key, (_name, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(
          Object.entries(value as Record<string, unknown>)
            .filter(([, v]) => v !== undefined && v !== '')
            .sort(([a], [b]) => a.localeCompare(b)),
        )
      : value,
  );
}
