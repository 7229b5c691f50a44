/**
 * Sandbox benchmark (issue 4). Measures on this machine:
 *  - warm setup (stamp hit) time of scripts/setup-local-k8s.sh,
 *  - warm create → all nodes Ready (1 control-plane + 3 workers), median of N,
 *  - the same with `kwokctl create cluster --runtime binary` on the same binaries (+ 4 nodes Ready),
 *  - RSS / PSS per idle cluster with K idle clusters at once, and the drop in MemAvailable.
 *
 *   node --import ./bin/conditions-hook.js scripts/bench-sandbox.ts [--runs 5] [--idle 8] [--no-kwokctl] [--go-gc 25]
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { Sandbox, findBinarySet, pssBytes, rssBytes, setupScriptPath, type BinarySet } from '@strata/sandbox';

const run = promisify(execFile);
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    idle: { type: 'string', default: '8' },
    'no-kwokctl': { type: 'boolean', default: false },
    'go-gc': { type: 'string' },
  },
});
const RUNS = Number(values.runs);
const IDLE = Number(values.idle);
const POOLS = [
  { name: 'cp', count: 1, controlPlane: true },
  { name: 'workers', count: 3 },
];

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const mib = (bytes: number): number => Math.round(bytes / 1048576);

/** utime+stime of the processes, in clock ticks (100 per second on Linux). */
async function cpuTicks(pids: number[]): Promise<number> {
  let total = 0;
  for (const pid of pids) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    total += Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
  }
  return total;
}

async function memAvailable(): Promise<number> {
  const match = /^MemAvailable:\s+(\d+) kB/m.exec(await readFile('/proc/meminfo', 'utf8'));
  return Number(match?.[1] ?? 0) * 1024;
}

function warmSetupMs(): number[] {
  return [1, 2, 3].map(() => {
    const t = performance.now();
    const res = spawnSync('bash', [setupScriptPath()], { stdio: 'ignore' });
    if (res.status !== 0) throw new Error('setup-local-k8s.sh failed; run it first');
    return performance.now() - t;
  });
}

/** Sandbox and kwokctl runs interleaved, so background load hits both alike. */
async function creates(root: string, bins: BinarySet): Promise<{ sandbox: number[]; kwokctl: number[] }> {
  const sb = new Sandbox({ stateRoot: root });
  const out = { sandbox: [] as number[], kwokctl: [] as number[] };
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await sb.createCluster({ name: `bench-${i}`, nodePools: POOLS });
    out.sandbox.push(performance.now() - t);
    await sb.delete(`bench-${i}`);
    if (!values['no-kwokctl']) out.kwokctl.push(await kwokctlCreate(bins, i));
    console.error(
      `run ${i + 1}/${RUNS}: sandbox ${Math.round(out.sandbox[i]!)} ms, kwokctl ${Math.round(out.kwokctl[i] ?? 0)} ms`,
    );
  }
  return out;
}

async function wildcardListeners(): Promise<Set<string>> {
  const { stdout } = await run('ss', ['-ltnH']);
  return new Set(
    stdout
      .split('\n')
      .filter((l) => /\s(0\.0\.0\.0|\*|\[::\]):\d+\s/.test(l))
      .map((l) => l.split(/\s+/)[3] ?? ''),
  );
}

/** One `kwokctl create cluster --runtime binary` + 4 nodes Ready, bound to 127.0.0.1 via its config file. */
async function kwokctlCreate(bins: BinarySet, i: number): Promise<number> {
  const workdir = await mkdtemp(join(tmpdir(), 'strata-kwokctl-'));
  const config = join(workdir, 'kwokctl.yaml');
  await writeFile(
    config,
    'apiVersion: config.kwok.x-k8s.io/v1alpha1\nkind: KwokctlConfiguration\noptions:\n  bindAddress: 127.0.0.1\n',
  );
  const env = {
    ...process.env,
    KWOK_WORKDIR: workdir,
    KWOK_RUNTIME: 'binary',
    KWOK_BIND_ADDRESS: '127.0.0.1',
    KWOK_KUBE_VERSION: bins.manifest.kubernetesVersion,
    KWOK_KUBE_APISERVER_BINARY: join(bins.dir, 'kube-apiserver'),
    KWOK_KUBE_CONTROLLER_MANAGER_BINARY: join(bins.dir, 'kube-controller-manager'),
    KWOK_KUBE_SCHEDULER_BINARY: join(bins.dir, 'kube-scheduler'),
    KWOK_KUBECTL_BINARY: join(bins.dir, 'kubectl'),
    KWOK_ETCD_BINARY: join(bins.dir, 'etcd'),
    KWOK_CONTROLLER_BINARY: join(bins.dir, 'kwok'),
  };
  const kwokctl = (args: string[]) => run(join(bins.dir, 'kwokctl'), ['--config', config, ...args], { env });
  const kubectl = join(bins.dir, 'kubectl');
  const name = `kbench-${i}`;
  const baseline = await wildcardListeners();
  try {
    const t = performance.now();
    await kwokctl(['create', 'cluster', '--name', name, '--wait', '2m']);
    await kwokctl(['scale', 'node', '--name', name, '--replicas', '4']);
    const kubeconfig = join(workdir, 'clusters', name, 'kubeconfig.yaml');
    for (;;) {
      const { stdout } = await run(kubectl, ['--kubeconfig', kubeconfig, 'get', 'nodes', '--no-headers'], {
        env,
      });
      if (stdout.split('\n').filter((l) => /\sReady\s/.test(l)).length === 4) break;
      await sleep(100);
    }
    const ms = performance.now() - t;
    const extra = [...(await wildcardListeners())].filter((l) => !baseline.has(l));
    if (extra.length > 0) throw new Error(`kwokctl bound wildcard addresses: ${extra.join(', ')}`);
    return ms;
  } finally {
    await kwokctl(['delete', 'cluster', '--name', name]).catch(() => undefined);
    await rm(workdir, { recursive: true, force: true });
  }
}

async function idleClusters(root: string): Promise<Record<string, number>> {
  const sb = new Sandbox({ stateRoot: root });
  const before = await memAvailable();
  const created = [];
  const cost = values['go-gc'] ? { goGC: Number(values['go-gc']) } : {};
  const t = performance.now();
  try {
    for (let i = 0; i < IDLE; i++)
      created.push(await sb.createCluster({ name: `idle-${i}`, nodePools: POOLS, cost }));
    const allUpMs = performance.now() - t;
    const pids = created.flatMap((c) => c.processes.map((p) => p.pid));
    await sleep(15_000); // let start-up work settle
    const cpuBefore = await cpuTicks(pids);
    await sleep(30_000);
    const idleCpuPercentPerCluster =
      Math.round((((await cpuTicks(pids)) - cpuBefore) / 100 / 30 / IDLE) * 1000) / 10;
    const rss = (await Promise.all(pids.map((pid) => rssBytes(pid)))).reduce((a, b) => a + b, 0);
    const pss = (await Promise.all(pids.map((pid) => pssBytes(pid)))).reduce((a, b) => a + b, 0);
    const after = await memAvailable();
    const running = (await sb.list()).filter((c) => c.phase === 'running').length;
    const load = (await readFile('/proc/loadavg', 'utf8')).split(' ').slice(0, 3).join(' ');
    return {
      clusters: IDLE,
      running,
      allCreatedSeconds: Math.round(allUpMs / 100) / 10,
      rssPerClusterMiB: mib(rss / IDLE),
      pssPerClusterMiB: mib(pss / IDLE),
      memAvailableDropPerClusterMiB: mib((before - after) / IDLE),
      loadavg1: Number(load.split(' ')[0]),
      idleCpuPercentPerCluster,
      goGC: values['go-gc'] ? Number(values['go-gc']) : 100,
    };
  } finally {
    for (const c of created) await sb.delete(c.name);
  }
}

const bins = await findBinarySet({});
if (!bins) throw new Error('binaries not built: run scripts/setup-local-k8s.sh');
const root = await mkdtemp(join(tmpdir(), 'strata-bench-'));
try {
  console.error(`machine: ${cpus().length} cores, ${mib(totalmem())} MiB RAM; binaries ${bins.dir}`);
  const setup = warmSetupMs();
  console.error(`warm setup ms: ${setup.map(Math.round).join(', ')}`);
  const { sandbox: made, kwokctl: kw } = await creates(root, bins);
  const idle = await idleClusters(root);
  const result = {
    cores: cpus().length,
    memMiB: mib(totalmem()),
    warmSetupMedianMs: Math.round(median(setup)),
    createReadyMs: made.map(Math.round),
    createReadyMedianMs: Math.round(median(made)),
    kwokctlReadyMs: kw.map(Math.round),
    kwokctlReadyMedianMs: kw.length ? Math.round(median(kw)) : null,
    ratioSandboxToKwokctl: kw.length ? Math.round((median(made) / median(kw)) * 100) / 100 : null,
    idle,
  };
  console.error(JSON.stringify(result, null, 2));
  const rows = [
    ['warm setup (stamp hit), median of 3', `${result.warmSetupMedianMs} ms`],
    [
      `create → 4 nodes Ready, median of ${RUNS}`,
      `${(result.createReadyMedianMs / 1000).toFixed(1)} s (${made.map((m) => (m / 1000).toFixed(1)).join(', ')})`,
    ],
    ...(kw.length
      ? [
          [
            `kwokctl --runtime binary + 4 nodes Ready, median of ${RUNS}`,
            `${((result.kwokctlReadyMedianMs ?? 0) / 1000).toFixed(1)} s (ratio sandbox/kwokctl ${result.ratioSandboxToKwokctl})`,
          ],
        ]
      : []),
    [
      `idle clusters at once`,
      `${idle['running']}/${idle['clusters']} running (all created in ${idle['allCreatedSeconds']} s)`,
    ],
    ['RSS per idle cluster (sum of 5 processes)', `${idle['rssPerClusterMiB']} MiB`],
    ['PSS per idle cluster (shared binary pages split)', `${idle['pssPerClusterMiB']} MiB`],
    ['MemAvailable drop per idle cluster', `${idle['memAvailableDropPerClusterMiB']} MiB`],
    ['CPU per idle cluster (30 s window)', `${idle['idleCpuPercentPerCluster']} % of one core`],
  ];
  console.log(
    `| sandbox (${result.cores} cores, ${Math.round(result.memMiB / 1024)} GiB, GOGC ${idle['goGC']}) | value |\n|---|---|`,
  );
  for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
} finally {
  await rm(root, { recursive: true, force: true });
}
