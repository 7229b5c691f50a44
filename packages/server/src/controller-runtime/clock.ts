import { setTimeout as setTimeoutPromise } from 'node:timers/promises';

/** Time as the controller runtime sees it. Inject FakeClock (@strata/testing) in tests. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Calls back after `ms`; the returned function cancels the timer. */
  setTimer(callback: () => void, ms: number): () => void;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimer(callback, ms) {
    const timer = setTimeout(callback, Math.max(0, ms));
    timer.unref();
    return () => clearTimeout(timer);
  },
  sleep: (ms) => setTimeoutPromise(Math.max(0, ms)),
};
