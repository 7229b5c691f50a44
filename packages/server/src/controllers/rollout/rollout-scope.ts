/** The state of one Rollout pass: what was read at the start, and what each phase observed or did. */
import type { Resource, RolloutSpec, RolloutStatus } from '@strata/api';
import type { Decision, WriteOutcome } from './rollout-status.js';
import type { RolloutEvent } from './rollout-events.js';

export interface RolloutScope {
  /** The Rollout as fetched at the start of the pass. */
  readonly rollout: Resource;
  readonly spec: RolloutSpec;
  /** Its status as read. */
  readonly before: RolloutStatus;
  /** Time of this pass, from the reconcile context's clock. */
  readonly now: Date;
  /** Select (first pass only): the clusters the target selects, and those other rollouts hold (id → rollout). */
  selected?: Resource[];
  held?: Map<string, string>;
  /** Observe: the rollout's clusters as they are now, by id (undefined: gone). */
  observed: Map<string, Resource | undefined>;
  /** Decide: the batch to start, if any. */
  decision?: Decision;
  /** Act: what writing each cluster of the started batch did, by id. */
  written: Map<string, WriteOutcome>;
  /** Summarise: the status to write. */
  status?: RolloutStatus;
  events: RolloutEvent[];
}
