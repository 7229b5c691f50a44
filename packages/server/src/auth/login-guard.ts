import { StrataError } from '@strata/api';

export interface LoginGuardOptions {
  /** Failed sign-ins allowed per user and per client address within the window. */
  maxFailures?: number;
  windowMs?: number;
  /** Password hashes verified at once (each argon2id check takes ~64 MiB and tens of ms of CPU). */
  maxConcurrent?: number;
  now?: () => number;
}

/**
 * Limits password guessing and the cost of sign-in: failures are counted per user and per client address, and
 * argon2 checks run a few at a time. In memory, per server process.
 */
export class LoginGuard {
  readonly #max: number;
  readonly #windowMs: number;
  readonly #maxConcurrent: number;
  readonly #now: () => number;
  readonly #failures = new Map<string, number[]>();
  #running = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(options: LoginGuardOptions = {}) {
    this.#max = options.maxFailures ?? 10;
    this.#windowMs = options.windowMs ?? 5 * 60_000;
    this.#maxConcurrent = options.maxConcurrent ?? 4;
    this.#now = options.now ?? Date.now;
  }

  /** Throws STRATA_RATE_LIMITED when the user or the address failed too often recently. */
  check(keys: readonly string[]): void {
    const since = this.#now() - this.#windowMs;
    for (const k of keys) {
      const recent = (this.#failures.get(k) ?? []).filter((t) => t > since);
      if (recent.length >= this.#max) {
        throw new StrataError('STRATA_RATE_LIMITED', `too many failed sign-ins; try again in a few minutes`);
      }
    }
  }

  recordFailure(keys: readonly string[]): void {
    const now = this.#now();
    const since = now - this.#windowMs;
    if (this.#failures.size > 100_000) this.#failures.clear();
    for (const k of keys)
      this.#failures.set(k, [...(this.#failures.get(k) ?? []).filter((t) => t > since), now]);
  }

  recordSuccess(keys: readonly string[]): void {
    for (const k of keys) this.#failures.delete(k);
  }

  /** Runs `fn` when fewer than maxConcurrent others are running. */
  async limit<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#running >= this.#maxConcurrent)
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#running++;
    try {
      return await fn();
    } finally {
      this.#running--;
      this.#waiting.shift()?.();
    }
  }
}
