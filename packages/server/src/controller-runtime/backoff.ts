export interface BackoffOptions {
  /** First retry delay (default 200 ms). */
  baseMs?: number;
  /** Upper bound (default 5 minutes). */
  maxMs?: number;
  /** Adds up to this fraction of the delay at random (default 0.1), so replicas do not retry in lockstep. */
  jitter?: number;
  /** Random source in [0, 1) (inject for deterministic tests). */
  random?: () => number;
}

/** Per-key exponential backoff: base, 2×base, 4×base … capped at max, plus jitter. */
export class KeyedBackoff {
  readonly #failures = new Map<string, number>();
  readonly #baseMs: number;
  readonly #maxMs: number;
  readonly #jitter: number;
  readonly #random: () => number;

  constructor(options: BackoffOptions = {}) {
    this.#baseMs = options.baseMs ?? 200;
    this.#maxMs = options.maxMs ?? 5 * 60_000;
    this.#jitter = options.jitter ?? 0.1;
    this.#random = options.random ?? Math.random;
  }

  /** Records a failure of `id` and returns how long to wait before the next attempt. */
  failure(id: string): number {
    const n = (this.#failures.get(id) ?? 0) + 1;
    this.#failures.set(id, n);
    const exponential = Math.min(this.#maxMs, this.#baseMs * 2 ** Math.min(n - 1, 52));
    return Math.min(this.#maxMs, Math.round(exponential * (1 + this.#jitter * this.#random())));
  }

  /** Forgets the failures of `id` (after a success). */
  reset(id: string): void {
    this.#failures.delete(id);
  }

  failures(id: string): number {
    return this.#failures.get(id) ?? 0;
  }
}
