/**
 * The one retry backoff of Strata (client watch reconnects, agent loops, controller runtime): exponential with jitter.
 * Retry n (0-based) waits for `min(max, base · 2ⁿ)`, of which the `jitter` share is random — by default half ("equal
 * jitter": between half and all of the ceiling), so a fleet of agents or replicas that failed at the same moment
 * does not retry at the same moment. Pure; no timers (callers sleep).
 */
export interface BackoffOptions {
  /** The delay of the first retry before jitter. Default 1 s. */
  baseMs?: number | undefined;
  /** Upper bound of any delay. Default 60 s. */
  maxMs?: number | undefined;
  /** The random share of each delay, from 0 (exact delays) to 1. Default 0.5. */
  jitter?: number | undefined;
  /** Random source in [0, 1); inject for deterministic tests. */
  random?: (() => number) | undefined;
}

/** The delay before retry number `attempt` (0-based). */
export function backoffDelayMs(attempt: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 1000;
  const max = options.maxMs ?? 60_000;
  const jitter = Math.min(1, Math.max(0, options.jitter ?? 0.5));
  const random = options.random ?? Math.random;
  const ceiling = Math.min(max, base * 2 ** Math.min(Math.max(0, attempt), 52));
  return Math.round(ceiling * (1 - jitter + jitter * random()));
}

/** Counts consecutive failures of one loop and hands out the delay before each retry. */
export class Backoff {
  #attempt = 0;
  readonly #options: BackoffOptions;

  constructor(options: BackoffOptions = {}) {
    this.#options = options;
  }

  /** The delay before the next attempt; each call doubles the ceiling up to maxMs. */
  next(): number {
    return backoffDelayMs(this.#attempt++, this.#options);
  }

  /** Starts over (after a success). */
  reset(): void {
    this.#attempt = 0;
  }

  /** Failures since the last reset. */
  get failures(): number {
    return this.#attempt;
  }
}
