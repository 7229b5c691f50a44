/** Resolves a pool's updateStrategy to node counts (Kubernetes rules: surge rounds up, unavailable rounds down). */
import type { IntOrPercent, NodePool } from '@strata/api';

export interface RollingBudget {
  /** Nodes above `count` that may exist during a repave. */
  maxSurge: number;
  /** Nodes below `count` that may be missing (not Ready) during a repave. */
  maxUnavailable: number;
}

function scaled(value: IntOrPercent | undefined, count: number, fallback: number, roundUp: boolean): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number') return value;
  const exact = (Number.parseInt(value, 10) * count) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** Defaults: maxSurge 1, maxUnavailable 0. When both resolve to 0, maxSurge becomes 1 so the roll can progress. */
export function rollingBudget(pool: Pick<NodePool, 'count' | 'updateStrategy'>): RollingBudget {
  const maxSurge = scaled(pool.updateStrategy?.maxSurge, pool.count, 1, true);
  const maxUnavailable = Math.min(
    scaled(pool.updateStrategy?.maxUnavailable, pool.count, 0, false),
    pool.count,
  );
  return maxSurge === 0 && maxUnavailable === 0
    ? { maxSurge: 1, maxUnavailable: 0 }
    : { maxSurge, maxUnavailable };
}
