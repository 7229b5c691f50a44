/**
 * Cluster benchmark (issue 5): Apply → Running for a sandbox cluster with 1 control-plane + 3 workers and a full
 * infra profile (OS, Kubernetes, sandbox CNI/CSI, a namespace), through a real `strata server` process and its agent.
 * Reports the median of N runs with the breakdown taken from the conditions' transition times:
 * infrastructure + control plane (ControlPlaneReady), node pools (NodePoolsReady), agent (AgentConnected),
 * layers (LayersApplied), and Running as seen by a client polling every 100 ms.
 *
 *   node --import ./bin/conditions-hook.js scripts/bench-cluster.ts [--runs 5]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const RUNS = Number(values.runs);
const ROOT = new URL('../', import.meta.url).pathname;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

interface Condition {
  type: string;
  status: string;
  lastTransitionTime: string;
}

const dataDir = await mkdtemp(join(tmpdir(), 'strata-bench-cluster-'));
const port = await freePort();
const server = spawn(
  process.execPath,
  [
    join(ROOT, 'bin/strata.js'),
    'server',
    '--data-dir',
    dataDir,
    '--listen',
    `127.0.0.1:${port}`,
    '--log-level',
    'warn',
  ],
  { stdio: 'ignore', env: { ...process.env, STRATA_SANDBOX_AUTO_INSTALL: 'false' } },
);
const url = `http://127.0.0.1:${port}`;
try {
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) break;
    } catch {
      // starting
    }
    if (i > 300) throw new Error('server did not start');
    await sleep(100);
  }
  const key = (await readFile(join(dataDir, 'admin-api-key'), 'utf8')).trim();
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (!res.ok && res.status !== 404) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  const P = '/v1/projects/default';
  await call('POST', `${P}/clusterprofiles`, {
    metadata: { name: 'base' },
    spec: {
      type: 'full',
      version: '1.0.0',
      layers: [
        { pack: 'ubuntu', version: '24.04.1' },
        { pack: 'kubernetes', version: '1.36.3' },
        { pack: 'sandbox-cni', version: '0.1.0' },
        { pack: 'sandbox-csi', version: '0.1.0' },
        { name: 'apps-ns', manifest: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: apps}\n' },
      ],
    },
  });
  await call('POST', `${P}/clusterprofiles/base/versions/1.0.0/publish`);

  const rows: Record<string, number>[] = [];
  for (let run = 0; run < RUNS; run++) {
    const name = `bench-${run}`;
    const t0 = Date.now();
    const created = await call('POST', `${P}/clusters`, {
      metadata: { name },
      spec: {
        provider: 'sandbox',
        nodePools: [
          { name: 'cp', controlPlane: true, count: 1 },
          { name: 'workers', count: 3 },
        ],
        profiles: [{ name: 'base', version: '1.0.0' }],
      },
    });
    const createdAt = Date.parse((created.body.metadata as { createdAt: string }).createdAt);
    let status: { phase?: string; conditions?: Condition[] } = {};
    while (status.phase !== 'Running') {
      if (Date.now() - t0 > 180_000)
        throw new Error(`${name} not Running after 180 s: ${JSON.stringify(status)}`);
      await sleep(100);
      status = (await call('GET', `${P}/clusters/${name}`)).body.status as typeof status;
    }
    const running = Date.now() - t0;
    const at = (type: string) => {
      const c = status.conditions?.find((x) => x.type === type);
      return c ? Date.parse(c.lastTransitionTime) - createdAt : NaN;
    };
    const row = {
      controlPlane: at('ControlPlaneReady'),
      nodePools: at('NodePoolsReady'),
      agent: at('AgentConnected'),
      layers: at('LayersApplied'),
      running,
    };
    rows.push(row);
    process.stderr.write(`run ${run + 1}/${RUNS}: ${JSON.stringify(row)}\n`);
    await call('DELETE', `${P}/clusters/${name}`);
    while ((await call('GET', `${P}/clusters/${name}`)).status !== 404) await sleep(200);
  }
  const median = (k: string) => {
    const v = rows.map((r) => r[k]!).sort((a, b) => a - b);
    return v[Math.floor(v.length / 2)]!;
  };
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  console.log(`\n### Apply → Running (1 control-plane + 3 workers, full infra profile; ${RUNS} runs)\n`);
  console.log(
    `Machine: ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; SQLite.\n`,
  );
  console.log('| Step (time since the Cluster was created) | Median |');
  console.log('|---|---|');
  console.log(`| infrastructure + control plane Ready | ${s(median('controlPlane'))} |`);
  console.log(`| node pools Ready | ${s(median('nodePools'))} |`);
  console.log(`| agent connected | ${s(median('agent'))} |`);
  console.log(`| layers applied | ${s(median('layers'))} |`);
  console.log(`| **Running** (client view) | **${s(median('running'))}** |`);
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  await rm(dataDir, { recursive: true, force: true });
}
