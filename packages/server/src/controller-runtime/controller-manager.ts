import type { ObjectKey, SystemResourceReader } from '@strata/store';
import { ChangeFeed, type ChangeFeedOptions } from './change-feed.js';
import { ControllerRunner, type ControllerRunnerOptions } from './controller-runner.js';

export interface StartControllerOptions extends ControllerRunnerOptions<ObjectKey> {
  reader: SystemResourceReader;
  /** Kinds that trigger this controller (usually its own kind). */
  kinds: readonly string[];
  feed?: Pick<ChangeFeedOptions, 'pollIntervalMs' | 'resyncIntervalMs' | 'keyOf' | 'filter' | 'onError'>;
}

export interface RunningController {
  readonly runner: ControllerRunner<ObjectKey>;
  readonly feed: ChangeFeed;
  stop(): Promise<void>;
}

/** Wires a controller to the store: change feed → work queue → workers (with leases when given). */
export async function startController(options: StartControllerOptions): Promise<RunningController> {
  const runner = new ControllerRunner<ObjectKey>(options);
  const feed = new ChangeFeed({
    reader: options.reader,
    kinds: options.kinds,
    clock: options.clock,
    onKey: (key) => runner.enqueue(key),
    ...options.feed,
  });
  runner.start();
  try {
    await feed.start();
  } catch (err) {
    await runner.stop();
    throw err;
  }
  return {
    runner,
    feed,
    async stop() {
      await feed.stop();
      await runner.stop();
    },
  };
}
