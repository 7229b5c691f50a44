import { StrataError } from '@strata/api';
import type { LoginAttemptRepository } from '@strata/store';

export interface LoginGuardOptions {
  /** Where attempts are counted: the database, so every replica shares the counts. */
  attempts: LoginAttemptRepository;
  /** Failed sign-ins allowed per account and per client address within the window. */
  maxFailures?: number;
  windowMs?: number;
  /** Password hashes verified at once by this process (each argon2id check takes ~64 MiB and tens of ms of CPU). */
  maxConcurrent?: number;
}

/** The counters one sign-in touches. */
export interface SignInKeys {
  account: string;
  address: string;
}

/**
 * Limits password guessing and the cost of sign-in. Every attempt takes one attempt from its account's and its
 * address's counters (atomically, in the database) BEFORE the password is checked, so concurrent guesses cannot all
 * pass the check; a failure keeps what it took. A success clears its account's counter and hands back only its own
 * attempt to the address counter: signing in to one's own account never erases failures against others.
 */
export class LoginGuard {
  readonly #attempts: LoginAttemptRepository;
  readonly #max: number;
  readonly #windowMs: number;
  readonly #maxConcurrent: number;
  #running = 0;
  readonly #waiting: (() => void)[] = [];
  #sincePrune = 0;

  constructor(options: LoginGuardOptions) {
    this.#attempts = options.attempts;
    this.#max = options.maxFailures ?? 10;
    this.#windowMs = options.windowMs ?? 5 * 60_000;
    this.#maxConcurrent = options.maxConcurrent ?? 4;
  }

  /** Takes an attempt for the account and the address, or throws STRATA_RATE_LIMITED when either has none left. */
  async reserve(keys: SignInKeys): Promise<void> {
    if (++this.#sincePrune >= 100) {
      this.#sincePrune = 0;
      await this.#attempts.prune(this.#windowMs);
    }
    const ok = await this.#attempts.reserve([keys.account, keys.address], {
      max: this.#max,
      windowMs: this.#windowMs,
    });
    if (!ok) {
      throw new StrataError('STRATA_RATE_LIMITED', 'too many failed sign-ins; try again in a few minutes');
    }
  }

  /** The password was right: the account starts afresh, the address gets back the attempt this sign-in took. */
  async succeeded(keys: SignInKeys): Promise<void> {
    await this.#attempts.clear(keys.account);
    await this.#attempts.release(keys.address);
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
