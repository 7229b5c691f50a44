import { setTimeout as sleep } from 'node:timers/promises';
import { StrataError } from '@strata/api';

/**
 * Runs read-modify-write tasks one at a time per object key in this process (tasks on different keys run
 * concurrently), so concurrent merge patches of one object queue instead of racing. Other replicas can still race;
 * `retryConflicts` covers that.
 */
export class SerialWrites {
  readonly #tails = new Map<string, Promise<void>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }
}

export interface RetryOptions {
  /** Attempts before the conflict is returned (default 20). */
  attempts?: number;
  /** Longest random pause between attempts (default 50 ms; grows with the attempt up to this). */
  maxPauseMs?: number;
}

/**
 * Repeats `attempt` while it fails with STRATA_CONFLICT: for writes without a precondition, whose conflict only
 * means another writer committed first (so every round makes progress for someone). A short random pause keeps
 * replicas that race on one object from retrying in lockstep.
 */
export async function retryConflicts<T>(attempt: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 20;
  const maxPauseMs = options.maxPauseMs ?? 50;
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      if (i >= attempts || !(err instanceof StrataError) || err.code !== 'STRATA_CONFLICT') throw err;
      const pause = Math.random() * Math.min(maxPauseMs, 5 * i);
      await sleep(pause);
    }
  }
}
