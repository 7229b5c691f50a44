export { realClock, type Clock } from './clock.js';
export { Result } from './result.js';
export { KeyedBackoff, type BackoffOptions } from './backoff.js';
export { WorkQueue, type WorkItem, type WorkQueueOptions } from './work-queue.js';
export { keyId, type Controller, type ReconcileContext } from './controller.js';
export { noopMetrics, type ControllerMetrics, type ReconcileOutcome } from './metrics.js';
export {
  DatabaseKeyLeases,
  defaultLeaseOwner,
  type DatabaseKeyLeasesOptions,
  type KeyLeases,
} from './key-leases.js';
export { ControllerRunner, type ControllerRunnerOptions } from './controller-runner.js';
export { ChangeFeed, objectKeyOf, type ChangeFeedOptions } from './change-feed.js';
export {
  startController,
  type RunningController,
  type StartControllerOptions,
} from './controller-manager.js';
export { lowestRequeue, runPhases, type Phase, type PhasesOutcome } from './phases.js';
