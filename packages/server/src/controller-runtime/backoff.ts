import { backoffDelayMs, type BackoffOptions } from '@strata/api';

export type { BackoffOptions };

/** Per-key retry delays: each key backs off on its own (the shared backoff of @strata/api), 200 ms up to 5 minutes. */
export class KeyedBackoff {
  readonly #failures = new Map<string, number>();
  readonly #options: BackoffOptions;

  constructor(options: BackoffOptions = {}) {
    this.#options = { baseMs: 200, maxMs: 5 * 60_000, ...options };
  }

  /** Records a failure of `id` and returns how long to wait before the next attempt. */
  failure(id: string): number {
    const n = (this.#failures.get(id) ?? 0) + 1;
    this.#failures.set(id, n);
    return backoffDelayMs(n - 1, this.#options);
  }

  /** Forgets the failures of `id` (after a success). */
  reset(id: string): void {
    this.#failures.delete(id);
  }

  failures(id: string): number {
    return this.#failures.get(id) ?? 0;
  }
}
