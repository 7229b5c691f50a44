import { sql, type ColumnType, type Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** Table `login_attempts` (migration 0006): one fixed-window counter per key (an account or a client address). */
export interface LoginAttemptsTable {
  key: string;
  attempts: number;
  /** Epoch milliseconds the current window started. */
  window_start: ColumnType<string | number, string | number, string | number>;
}

export interface LoginAttemptRepositoryOptions {
  db: Kysely<Database>;
  now?: () => number;
}

export interface AttemptLimit {
  /** Attempts allowed per key and window (a success hands its own attempt back). */
  max: number;
  windowMs: number;
}

type Db = Kysely<Database & { login_attempts: LoginAttemptsTable }>;

/**
 * Counts sign-in attempts in the database, so every replica shares the counts. `reserve` increments every key in one
 * transaction (an upsert per key, in a fixed order: the row lock serializes concurrent callers on PostgreSQL, the one
 * connection does on SQLite) and keeps the increments only when no key went over its limit: a burst of concurrent
 * guesses cannot all pass the check, because each one counts before its password is verified.
 */
export class LoginAttemptRepository {
  readonly #db: Db;
  readonly #now: () => number;

  constructor(options: LoginAttemptRepositoryOptions) {
    this.#db = options.db.withTables<{ login_attempts: LoginAttemptsTable }>();
    this.#now = options.now ?? Date.now;
  }

  /** Takes one attempt under every key; false (and nothing taken) when any key has no attempt left. */
  async reserve(keys: readonly string[], limit: AttemptLimit): Promise<boolean> {
    const now = this.#now();
    const windowOpen = now - limit.windowMs;
    try {
      await this.#db.transaction().execute(async (trx) => {
        for (const key of [...new Set(keys)].sort()) {
          const row = await trx
            .insertInto('login_attempts')
            .values({ key, attempts: 1, window_start: now })
            .onConflict((oc) =>
              oc.column('key').doUpdateSet({
                attempts: sql<number>`CASE WHEN login_attempts.window_start <= ${windowOpen} THEN 1 ELSE login_attempts.attempts + 1 END`,
                window_start: sql<number>`CASE WHEN login_attempts.window_start <= ${windowOpen} THEN ${now} ELSE login_attempts.window_start END`,
              }),
            )
            .returning('attempts')
            .executeTakeFirstOrThrow();
          if (Number(row.attempts) > limit.max) throw new LimitReached();
        }
      });
      return true;
    } catch (err) {
      if (err instanceof LimitReached) return false;
      throw err;
    }
  }

  /** Hands one reserved attempt back (a sign-in that succeeded was not a failure). */
  async release(key: string): Promise<void> {
    await this.#db
      .updateTable('login_attempts')
      .set({ attempts: sql<number>`CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END` })
      .where('key', '=', key)
      .execute();
  }

  /** Forgets a key's count (the account's owner signed in). */
  async clear(key: string): Promise<void> {
    await this.#db.deleteFrom('login_attempts').where('key', '=', key).execute();
  }

  /** Deletes counters whose window ended before `windowMs` ago. */
  async prune(windowMs: number): Promise<void> {
    await this.#db
      .deleteFrom('login_attempts')
      .where('window_start', '<=', this.#now() - windowMs)
      .execute();
  }
}

class LimitReached extends Error {}
