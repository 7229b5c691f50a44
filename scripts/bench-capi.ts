// Cluster API gateway benchmark (issue 16): an embedded gateway's start time, capi-dev clusters (in-memory
// infrastructure, 1 control-plane + W workers) applied → ready through CapiProvider, and the gateway's CPU and RSS with
// 1, 10 and 50 clusters; then one scale and one upgrade. Prints markdown for docs/benchmarks.md.
// Usage: node --import ./bin/conditions-hook.js scripts/bench-capi.ts [--clusters 1,10,50] [--workers 1]
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { EmbeddedGateway, findCapiBuild, IN_MEMORY, CAPI_SETUP_HINT } from '@strata/capi';
import type { NodePool } from '@strata/api';
import { CapiProvider } from '@strata/providers';
import type { ClusterProgress, ProviderCluster } from '@strata/provider-sdk';
import { Sandbox, rssBytes } from '@strata/sandbox';

const { values } = parseArgs({
  options: { clusters: { type: 'string', default: '1,10,50' }, workers: { type: 'string', default: '1' } },
});
const steps = values.clusters.split(',').map(Number);
const workers = Number(values.workers);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mib = (b: number) => Math.round(b / 1048576);
const secs = (ms: number) => (ms / 1000).toFixed(1);

async function cpuTicks(pids: number[]): Promise<number> {
  let total = 0;
  for (const pid of pids) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    total += Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
  }
  return total;
}

const build = await findCapiBuild();
if (!build) throw new Error(`the benchmark needs the Cluster API managers: ${CAPI_SETUP_HINT}`);
const root = await mkdtemp(join(tmpdir(), 'strata-bench-capi-'));
const sandbox = new Sandbox({ stateRoot: join(root, 'sandbox') });
const gateway = new EmbeddedGateway({ sandbox, name: 'gw-bench', dir: join(root, 'gateway'), build });
const started = performance.now();
await gateway.ensure();
const startMs = performance.now() - started;
const client = await gateway.client();
const provider = new CapiProvider({
  name: 'capi-dev',
  infrastructure: IN_MEMORY,
  gateway: async () => client,
  kubernetesVersions: ['v1.35.0', 'v1.35.1'],
});
const pools = (n: number): NodePool[] => [
  { name: 'control-plane', controlPlane: true, count: 1 },
  { name: 'workers', count: n },
];
const cluster = (i: number): ProviderCluster => ({
  name: `bench-${i}`,
  kubernetesVersion: 'v1.35.0',
  spec: { provider: 'capi-dev', nodePools: pools(workers) },
});

async function converge(list: ProviderCluster[], poolName?: string): Promise<number> {
  const t = performance.now();
  const pending = new Set(list.map((c) => c.name));
  while (pending.size > 0) {
    for (const c of list.filter((x) => pending.has(x.name))) {
      const p: ClusterProgress = poolName
        ? await provider.repavePool(c, { pool: poolName })
        : await provider.ensure(c);
      const done = p.ready && (!poolName || p.nodePools.find((x) => x.name === poolName)?.outdated === 0);
      if (done) pending.delete(c.name);
    }
    if (performance.now() - t > 1_800_000)
      throw new Error(`not ready after 30 min: ${[...pending].join(', ')}`);
    if (pending.size > 0) await sleep(1000);
  }
  return performance.now() - t;
}

async function gatewayPids(): Promise<number[]> {
  const info = await sandbox.get('gw-bench');
  return [...info.processes.map((p) => p.pid), ...info.companions.filter((c) => c.running).map((c) => c.pid)];
}

const rows: string[] = [];
let made = 0;
for (const n of steps) {
  const batch = Array.from({ length: n - made }, (_, i) => cluster(made + i));
  const ms = await converge(batch);
  made = n;
  await sleep(10_000);
  const pids = await gatewayPids();
  const before = await cpuTicks(pids);
  await sleep(30_000);
  const cpu = (await cpuTicks(pids)) - before;
  const rss = (await Promise.all(pids.map((pid) => rssBytes(pid)))).reduce((a, b) => a + b, 0);
  rows.push(
    `| ${n} | ${secs(ms)} s for the ${batch.length} new | ${Math.round(cpu / 30)} % of a core | ${mib(rss)} MiB |`,
  );
  console.error(rows.at(-1));
}

const one = cluster(0);
const scaled = { ...one, spec: { ...one.spec, nodePools: pools(workers + 2) } };
const scaleMs = await converge([scaled]);
const upgraded = { ...scaled, kubernetesVersion: 'v1.35.1' };
const cpMs = await converge([upgraded], 'control-plane');
const wMs = await converge([upgraded], 'workers');

const all = Array.from({ length: made }, (_, i) => cluster(i));
const t = performance.now();
for (const c of all) while (!(await provider.delete(c)).done) await sleep(1000);
const deleteMs = performance.now() - t;
await gateway.delete();
await rm(root, { recursive: true, force: true });

console.log(`Embedded gateway start (warm binaries, new management cluster): **${secs(startMs)} s**\n`);
console.log(
  '| capi-dev clusters on the gateway | apply → ready | gateway CPU at rest (30 s) | gateway RSS (apiserver, etcd, kcm, kwok, 4 managers) |',
);
console.log('|---|---|---|---|');
for (const r of rows) console.log(r);
console.log(
  `\nOne cluster: scale workers ${workers}→${workers + 2} ${secs(scaleMs)} s; upgrade v1.35.0→v1.35.1: control plane ${secs(cpMs)} s, workers ${secs(wMs)} s; deleting all ${made}: ${secs(deleteMs)} s.`,
);
