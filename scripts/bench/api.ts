// Benchmark: get/list latency at a fixed 500 requests/s, SQLite and PostgreSQL, the server and the load
// generator in separate processes. Prints a markdown table for docs/benchmarks.md.
// Usage: node --import ./bin/conditions-hook.js scripts/bench/api.ts [--rate 500] [--seconds 20]
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';

const { values } = parseArgs({
  options: { rate: { type: 'string', default: '500' }, seconds: { type: 'string', default: '20' } },
});
const root = new URL('../../', import.meta.url).pathname;
const PG_ADMIN = process.env.STRATA_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server at ${url} did not become ready`);
}

async function run(backend: 'sqlite' | 'postgres', port: number) {
  const dataDir = await mkdtemp(join(tmpdir(), 'strata-bench-'));
  let dbName: string | undefined;
  const args = [
    join(root, 'bin/strata.js'),
    'server',
    '--data-dir',
    dataDir,
    '--listen',
    `127.0.0.1:${port}`,
    '--log-level',
    'warn',
  ];
  if (backend === 'postgres') {
    dbName = `strata_bench_${Date.now()}`;
    const c = new pg.Client(PG_ADMIN);
    await c.connect();
    await c.query(`CREATE DATABASE ${dbName}`);
    await c.end();
    const u = new URL(PG_ADMIN);
    u.pathname = `/${dbName}`;
    args.push('--database-url', u.toString());
  }
  const server: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitFor(`${base}/readyz`);
    const key = (await readFile(join(dataDir, 'admin-api-key'), 'utf8')).trim();
    for (let i = 0; i < 200; i++) {
      const res = await fetch(`${base}/v1/projects/default/macros`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          metadata: { name: `m-${i}`, labels: { tier: i % 2 ? 'odd' : 'even' } },
          spec: { value: `v${i}` },
        }),
      });
      if (res.status !== 201) throw new Error(`seed failed: ${res.status} ${await res.text()}`);
    }
    const paths = [
      '/v1/projects/default/macros/m-7',
      '/v1/projects/default/macros?limit=50',
      '/v1/projects/default/macros/m-150',
      '/v1/projects/default/macros?labelSelector=tier%3Dodd&limit=20',
    ];
    const gen = spawn(
      process.execPath,
      [
        '--import',
        join(root, 'bin/conditions-hook.js'),
        join(root, 'scripts/bench/load-generator.ts'),
        '--url',
        base,
        '--key',
        key,
        '--rate',
        values.rate,
        '--seconds',
        values.seconds,
        ...paths,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    gen.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise((r) => gen.on('exit', r));
    return JSON.parse(out) as Record<string, number>;
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.on('exit', r));
    await rm(dataDir, { recursive: true, force: true });
    if (dbName) {
      const c = new pg.Client(PG_ADMIN);
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await c.end();
    }
  }
}

const rows: string[] = [];
for (const [i, backend] of (['sqlite', 'postgres'] as const).entries()) {
  const r = await run(backend, 17300 + i);
  const f = (n: number | undefined) => (n === undefined ? '-' : n.toFixed(1));
  rows.push(
    `| ${backend} | ${values.rate} | ${r.achievedRate} | ${r.requests} | ${r.errors} | ${f(r.p50)} | ${f(r.p90)} | ${f(r.p99)} | ${f(r.max)} |`,
  );
  console.error(`${backend}: ${JSON.stringify(r)}`);
}
console.log(
  `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
);
console.log(
  '| backend | target req/s | achieved req/s | requests | errors | p50 ms | p90 ms | p99 ms | max ms |',
);
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
