import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { KyselyResourceRepository, postgresTestDatabase, type TestDatabase } from '@strata/store';
import { keyId } from './controller.js';

const OBJECTS = 200;

interface Replica {
  child: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
}

function startReplica(url: string): Replica {
  const worker = fileURLToPath(new URL('./multi-replica.worker.ts', import.meta.url));
  const hooks = fileURLToPath(new URL('../../../../bin/conditions-hook.js', import.meta.url));
  const child = spawn(process.execPath, ['--import', hooks, worker], {
    env: { ...process.env, DATABASE_URL: url },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output, exited };
}

async function waitFor(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  replicas: Replica[],
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline)
      assert.fail(
        `timed out waiting for ${what}; replica output:\n${replicas.map((r) => r.output.join('')).join('\n---\n')}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('multi-replica controller runtime on one PostgreSQL database', () => {
  let db: TestDatabase;
  const replicas: Replica[] = [];
  before(async () => {
    db = await postgresTestDatabase()();
    await sql`CREATE TABLE reconcile_log (id serial PRIMARY KEY, key text NOT NULL, pid integer NOT NULL, started_at timestamptz NOT NULL, ended_at timestamptz)`.execute(
      db.handle.db,
    );
  });
  after(async () => {
    for (const r of replicas) if (r.child.exitCode === null) r.child.kill('SIGKILL');
    await db?.dispose();
  });

  it(
    `two processes reconcile ${OBJECTS} objects: each at least once, never one key in both at once`,
    { timeout: 120_000 },
    async () => {
      replicas.push(startReplica(db.url), startReplica(db.url));
      await waitFor(
        'both replicas to start',
        () => replicas.every((r) => r.output.join('').includes('ready')),
        60_000,
        replicas,
      );

      const repo = new KyselyResourceRepository({ db: db.handle.db });
      const keys = Array.from({ length: OBJECTS }, (_, i) => ({
        kind: 'Widget',
        tenant: `t${i % 2}`,
        project: `p${i % 5}`,
        name: `w-${i}`,
      }));
      await Promise.all(
        keys.map((key) =>
          repo.create(
            { tenant: key.tenant, projects: '*' },
            { key, spec: { i: key.name } },
            { name: 'test' },
          ),
        ),
      );

      const countDone = async () => {
        const r = await sql<{
          n: string;
        }>`SELECT count(DISTINCT key) AS n FROM reconcile_log WHERE ended_at IS NOT NULL`.execute(
          db.handle.db,
        );
        return Number(r.rows[0]?.n ?? 0);
      };
      await waitFor(
        `all ${OBJECTS} objects to be reconciled`,
        async () => (await countDone()) >= OBJECTS,
        90_000,
        replicas,
      );

      for (const r of replicas) r.child.kill('SIGTERM');
      const codes = await Promise.all(replicas.map((r) => r.exited));
      assert.deepEqual(codes, [0, 0], replicas.map((r) => r.output.join('')).join('\n'));

      const log = await sql<{ key: string; pid: number; started_at: Date; ended_at: Date | null }>`
      SELECT key, pid, started_at, ended_at FROM reconcile_log ORDER BY key, started_at`.execute(
        db.handle.db,
      );
      const byKey = new Map<string, { pid: number; start: number; end: number }[]>();
      for (const row of log.rows) {
        assert.ok(row.ended_at, `a reconcile of ${row.key} by ${row.pid} never finished`);
        const list = byKey.get(row.key) ?? [];
        list.push({ pid: row.pid, start: row.started_at.getTime(), end: row.ended_at.getTime() });
        byKey.set(row.key, list);
      }
      for (const key of keys) assert.ok(byKey.has(keyId(key)), `${key.name} was never reconciled`);
      // Full-precision check in the database: two runs of one key whose intervals intersect.
      const overlapping = await sql<{ key: string; a: number; b: number }>`
      SELECT a.key, a.pid AS a, b.pid AS b FROM reconcile_log a JOIN reconcile_log b
        ON a.key = b.key AND a.id < b.id AND a.started_at < b.ended_at AND b.started_at < a.ended_at`.execute(
        db.handle.db,
      );
      const overlaps = overlapping.rows.length;
      for (const o of overlapping.rows.slice(0, 5))
        console.error(`overlap on ${o.key}: pids ${o.a} and ${o.b}`);
      assert.equal(overlaps, 0, 'no key was reconciled by two workers at once');
      const pids = new Set(log.rows.map((r) => r.pid));
      assert.equal(pids.size, 2, 'both replicas did work');
      const perPid = [...pids].map((pid) => log.rows.filter((r) => r.pid === pid).length);
      console.log(
        `[multi-replica] ${log.rows.length} reconciles of ${byKey.size} keys; per replica: ${perPid.join(', ')}`,
      );
    },
  );
});
