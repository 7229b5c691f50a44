import type { Condition } from '@strata/api';

/** A condition as a controller decides it; setCondition adds the times. */
export interface ConditionInput {
  readonly type: string;
  readonly status: boolean | 'Unknown';
  readonly reason: string;
  readonly message: string;
}

export interface ConditionStamp {
  /** The object's generation this condition was computed for. */
  readonly generation: number;
  /** Now, from the reconcile context's clock. */
  readonly now: Date;
}

/**
 * The conditions with one set (pure): lastTransitionTime moves only when the status value changes. The list keeps
 * `order` (types not in it go last, in the order they came).
 */
export function setCondition(
  conditions: readonly Condition[] | undefined,
  input: ConditionInput,
  stamp: ConditionStamp,
  order: readonly string[] = [],
): Condition[] {
  const status = input.status === 'Unknown' ? 'Unknown' : input.status ? 'True' : 'False';
  const previous = conditions?.find((c) => c.type === input.type);
  const next: Condition = {
    type: input.type,
    status,
    reason: input.reason,
    message: input.message,
    lastTransitionTime:
      previous && previous.status === status ? previous.lastTransitionTime : stamp.now.toISOString(),
    observedGeneration: stamp.generation,
  };
  const rank = (type: string) => {
    const i = order.indexOf(type);
    return i === -1 ? order.length : i;
  };
  return [...(conditions ?? []).filter((c) => c.type !== input.type), next].sort(
    (a, b) => rank(a.type) - rank(b.type),
  );
}

export function findCondition(
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}
