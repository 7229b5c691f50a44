import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { openDatabase, type DatabaseHandle } from './db.js';

/** A fresh, migrated database for one test (file or PostgreSQL database), removed by dispose(). */
export interface TestDatabase {
  readonly handle: DatabaseHandle;
  /** URL another process can open (the multi-replica test uses it). */
  readonly url: string;
  /** SQLite only: the database file. */
  readonly file?: string;
  dispose(): Promise<void>;
}

export type TestDatabaseFactory = (options?: {
  poolSize?: number;
  /** Default true; false leaves the database empty (migration tests migrate it step by step). */
  migrate?: boolean;
}) => Promise<TestDatabase>;

export interface TestBackend {
  name: 'sqlite' | 'postgres';
  create: TestDatabaseFactory;
}

export const DEFAULT_PG_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export const sqliteTestDatabase: TestDatabaseFactory = async (options) => {
  const dir = await mkdtemp(join(tmpdir(), 'strata-store-'));
  const file = join(dir, 'strata.db');
  const handle = await openDatabase({ url: `sqlite:${file}`, migrate: options?.migrate ?? true });
  return {
    handle,
    url: `sqlite:${file}`,
    file,
    dispose: async () => {
      await handle.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
};

export function postgresTestDatabase(adminUrl: string = pgAdminUrl()): TestDatabaseFactory {
  return async (options) => {
    const name = `strata_test_${randomBytes(6).toString('hex')}`;
    const unreachable = await postgresUnavailable(adminUrl);
    if (unreachable) {
      throw new Error(
        `${unreachable}. The store and API suites run on PostgreSQL too: start it (npm test does) or set STRATA_TEST_PG_URL.`,
      );
    }
    await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const handle = await openDatabase({
      url: url.toString(),
      poolSize: options?.poolSize ?? 10,
      migrate: options?.migrate ?? true,
    });
    return {
      handle,
      url: url.toString(),
      dispose: async () => {
        await handle.close();
        // pg's Pool.end() resolves before its sockets are closed; wait so FORCE does not kill live clients.
        await waitForNoConnections(adminUrl, name);
        await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      },
    };
  };
}

/** STRATA_TEST_PG_URL or the loopback server CI provides. */
export function pgAdminUrl(): string {
  return process.env.STRATA_TEST_PG_URL ?? DEFAULT_PG_ADMIN_URL;
}

/** Why PostgreSQL cannot be reached, or undefined when it can. */
export async function postgresUnavailable(adminUrl: string = pgAdminUrl()): Promise<string | undefined> {
  try {
    await adminQuery(adminUrl, 'SELECT 1');
    return undefined;
  } catch (err) {
    return `PostgreSQL at ${redact(adminUrl)} is not reachable: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/**
 * Both backends for a suite that must run on each. PostgreSQL is never skipped: when it is unreachable its tests
 * fail, naming the server and how to start it.
 */
export async function testBackends(): Promise<TestBackend[]> {
  return [
    { name: 'sqlite', create: sqliteTestDatabase },
    { name: 'postgres', create: postgresTestDatabase() },
  ];
}

async function adminQuery(adminUrl: string, text: string, values: unknown[] = []): Promise<number> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    const result = await client.query(text, values);
    return result.rowCount ?? 0;
  } finally {
    await client.end();
  }
}

async function waitForNoConnections(adminUrl: string, database: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await adminQuery(adminUrl, 'SELECT 1 FROM pg_stat_activity WHERE datname = $1', [database]);
    if (open === 0) return;
    await sleep(20);
  }
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(invalid url)';
  }
}
