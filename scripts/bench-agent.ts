/**
 * Agent benchmark (issue 6), on one sandbox cluster (1 control-plane + 1 worker) with strata-agent running as a
 * process (`node bin/strata.js agent ...`, as the sandbox provider starts it) against the in-test protocol server:
 *  1. apply: 1,000 small manifests (4 Namespaces + 996 ConfigMaps) in ONE manifest layer, timed from the revision
 *     being offered (the held long poll answered) to the status report showing the layer Applied; side by side with
 *     `kubectl apply --server-side --field-manager=bench -f <dir>` of the same objects (one file each) under other
 *     names. Runs are interleaved; each run offers a stack of just its new layer, then an empty stack (the agent
 *     deletes the layer and stops watching), so kubectl runs without an agent watch streaming its objects. Then a
 *     revision adding a small layer (a Deployment) next to the unchanged 1,000-object layer.
 *  2. drift (policy `report`): a ConfigMap of the 1,000-object layer edited / a Deployment scaled through the API,
 *     timed from the PATCH being sent to the status report showing the layer Drifted with that object; each change
 *     is undone (and reported Applied again) before the next.
 *  3. idle: RSS (VmRSS) and CPU (utime+stime) of the settled agent process over a window; then the same for the
 *     bundled agent (`node packages/agent/dist/strata-agent.mjs`, built with `npm run build -w packages/agent`, what
 *     the server starts and the container image runs; restarted on the
 *     same cluster) and a bare Node process, to tell the agent's own cost from Node's.
 *
 *   node --import ./bin/conditions-hook.js scripts/bench-agent.ts [--runs 3] [--objects 1000] [--drift 12]
 *     [--idle 60] [--no-dist]
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import type { AgentStatusReport } from '@strata/api';
import type { JsonObject } from '@strata/core';
import { Sandbox, findBinarySet, rssBytes } from '@strata/sandbox';
import { ProtocolServer } from '../packages/agent/src/test/protocol-server.js';
import { desiredMessage, stackLayer } from '../packages/agent/src/test/cluster-helpers.js';
import { deployment } from '../packages/agent/src/test/stack.js';
import { AGENT_NODE_FLAGS } from '../packages/server/src/clusters/agent-command.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    objects: { type: 'string', default: '1000' },
    drift: { type: 'string', default: '12' },
    idle: { type: 'string', default: '60' },
    'no-dist': { type: 'boolean', default: false },
  },
});
const RUNS = Number(values.runs);
const OBJECTS = Number(values.objects);
const DRIFT_RUNS = Number(values.drift);
const IDLE_S = Number(values.idle);
const NAMESPACES = 4;
const ROOT = new URL('../', import.meta.url).pathname;
const TOKEN = 'sat.uid-1.YmVuY2gtYmVuY2gtYmVuY2g';
const TICKS_PER_S = 100;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const log = (msg: string): void => void process.stderr.write(`${msg}\n`);
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const mib = (bytes: number): string => (bytes / 1048576).toFixed(1);
const secs = (ms: number): string => (ms / 1000).toFixed(2);

function run(bin: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(bin, args, { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${bin} ${args.join(' ')}: ${stderr || error.message}`));
      else resolve(stdout);
    });
  });
}

/** utime+stime of a process in clock ticks (100 per second on Linux). */
async function cpuTicks(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** CPU ticks of the children this process has waited for (cutime+cstime): kubectl's CPU. */
async function childTicks(): Promise<number> {
  const stat = await readFile('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[13]) + Number(fields[14]);
}

async function procStatusKb(pid: number, field: string): Promise<number> {
  const text = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
}

/** Waits until the process used at most 1 tick (10 ms) of CPU in each of 3 consecutive 1-second windows. */
async function settle(pid: number, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  let last = await cpuTicks(pid);
  while (quiet < 3) {
    if (Date.now() > deadline) throw new Error(`process ${pid} did not settle within ${timeoutMs} ms`);
    await sleep(1000);
    const now = await cpuTicks(pid);
    quiet = now - last <= 1 ? quiet + 1 : 0;
    last = now;
  }
}

interface IdleSample {
  rssMiB: { min: number; median: number; max: number };
  cpuPercent: number;
  hwmMiB: number;
}

/** RSS every 5 s and CPU over `seconds` of a settled process. */
async function idle(pid: number, seconds: number): Promise<IdleSample> {
  const rss: number[] = [];
  const t0 = performance.now();
  const c0 = await cpuTicks(pid);
  for (let i = 0; i <= seconds; i += 5) {
    rss.push(await rssBytes(pid));
    if (i + 5 <= seconds) await sleep(t0 + (i + 5) * 1000 - performance.now());
  }
  const c1 = await cpuTicks(pid);
  const elapsedS = (performance.now() - t0) / 1000;
  const m = (b: number): number => Number(mib(b));
  return {
    rssMiB: { min: m(Math.min(...rss)), median: m(median(rss)), max: m(Math.max(...rss)) },
    cpuPercent: ((c1 - c0) / TICKS_PER_S / elapsedS) * 100,
    hwmMiB: (await procStatusKb(pid, 'VmHWM')) / 1024,
  };
}

// ---- objects -------------------------------------------------------------------------------------------------

/** `count` manifests: NAMESPACES namespaces, the rest ConfigMaps spread over them. */
function manifests(prefix: string, count: number): JsonObject[] {
  const namespaces = Array.from({ length: NAMESPACES }, (_, k) => `${prefix}-ns${k}`);
  const out: JsonObject[] = namespaces.map((name) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name },
  }));
  for (let i = 0; out.length < count; i++)
    out.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `cm-${String(i).padStart(4, '0')}`, namespace: namespaces[i % NAMESPACES]! },
      data: { index: String(i), color: 'blue', payload: `value-${i}-${'x'.repeat(48)}` },
    });
  return out;
}

/** One file per object, Namespaces first (kubectl applies the files of a directory in name order). */
async function writeManifestDir(dir: string, objects: JsonObject[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  await Promise.all(
    objects.map((o, i) =>
      writeFile(join(dir, `${String(i).padStart(5, '0')}.json`), JSON.stringify(o, null, 2)),
    ),
  );
}

// ---- Kubernetes API (for the drift changes) ------------------------------------------------------------------

/** One request to the Kubernetes API (merge patch when `patch` is given); resolves with the HTTP status. */
async function kubeRequest(kc: KubeConfig, path: string, patch?: JsonObject): Promise<number> {
  const opts: https.RequestOptions = { headers: {} };
  await kc.applyToHTTPSOptions(opts);
  const url = new URL(path, kc.getCurrentCluster()!.server);
  const body = patch ? JSON.stringify(patch) : undefined;
  return new Promise<number>((resolve, reject) => {
    const req = https.request(
      {
        ...opts,
        method: patch ? 'PATCH' : 'GET',
        hostname: url.hostname,
        port: url.port,
        path: url.pathname,
        headers: {
          ...(opts.headers as Record<string, string>),
          ...(body
            ? {
                'content-type': 'application/merge-patch+json',
                'content-length': String(Buffer.byteLength(body)),
              }
            : {}),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function kubePatch(kc: KubeConfig, path: string, patch: JsonObject): Promise<void> {
  const status = await kubeRequest(kc, path, patch);
  if (status >= 300) throw new Error(`PATCH ${path}: HTTP ${status}`);
}

// ---- the agent process ---------------------------------------------------------------------------------------

const layerOf = (r: AgentStatusReport, key: string): AgentStatusReport['layers'][number] | undefined =>
  r.layers.find((l) => `${l.profile}.${l.name}` === key);

/** Resolves with the arrival time (performance.now(), checked every 2 ms) of the first matching report. */
async function reportArrival(
  server: ProtocolServer,
  since: number,
  predicate: (r: AgentStatusReport) => boolean,
  timeoutMs = 300_000,
): Promise<{ at: number; report: AgentStatusReport; index: number }> {
  const deadline = Date.now() + timeoutMs;
  let seen = since;
  for (;;) {
    for (; seen < server.reports.length; seen++)
      if (predicate(server.reports[seen]!))
        return { at: performance.now(), report: server.reports[seen]!, index: seen };
    if (Date.now() > deadline) throw new Error(`no matching status report within ${timeoutMs} ms`);
    for (const a of agents)
      if (a.child.exitCode !== null && !a.stopping) {
        const tail = (await readFile(a.logPath, 'utf8').catch(() => '')).slice(-3000);
        throw new Error(`the agent exited (code ${a.child.exitCode}); its output ends with:\n${tail}`);
      }
    await sleep(2);
  }
}

interface AgentProcess {
  child: ChildProcess;
  pid: number;
  exited: Promise<void>;
  logPath: string;
  stopping: boolean;
}

const agents: AgentProcess[] = [];

function startAgent(entry: string[], args: string[], logPath: string): AgentProcess {
  const out = createWriteStream(logPath, { flags: 'a' });
  const child = spawn(process.execPath, [...entry, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const agent = { child, pid: child.pid!, exited, logPath, stopping: false };
  agents.push(agent);
  return agent;
}

async function stopAgent(a: AgentProcess): Promise<void> {
  a.stopping = true;
  if (a.child.exitCode !== null) return;
  a.child.kill('SIGTERM');
  await Promise.race([a.exited, sleep(30_000)]);
  if (a.child.exitCode === null) a.child.kill('SIGKILL');
}

// ---- main ----------------------------------------------------------------------------------------------------

const set = await findBinarySet({});
if (!set) throw new Error('the local Kubernetes binaries are not built: run scripts/setup-local-k8s.sh');
const kubectl = join(set.dir, 'kubectl');
const dir = await mkdtemp(join(tmpdir(), 'strata-bench-agent-'));
const sandbox = new Sandbox({ stateRoot: join(dir, 'sandbox'), binDir: set.dir });
const server = new ProtocolServer({ token: TOKEN });
const tokenFile = join(dir, 'token');
await writeFile(tokenFile, TOKEN, { mode: 0o600 });
await server.start();

try {
  log('creating the sandbox cluster (1 control-plane + 1 worker)');
  const cluster = await sandbox.createCluster({
    name: 'bench-agent',
    nodePools: [
      { name: 'cp', count: 1, controlPlane: true },
      { name: 'workers', count: 1 },
    ],
  });
  const kc = new KubeConfig();
  kc.loadFromString(cluster.kubeconfig);
  const agentArgs = [
    'agent',
    '--server',
    server.url,
    '--token-file',
    tokenFile,
    '--kubeconfig',
    cluster.kubeconfigPath,
    '--listen',
    '127.0.0.1:0',
  ];
  const since0 = server.mark();
  const sources0 = performance.now();
  const sourcesAgent = startAgent([join(ROOT, 'bin/strata.js')], agentArgs, join(dir, 'agent-sources.log'));
  await reportArrival(server, since0, () => true, 120_000);
  const sourcesStartMs = performance.now() - sources0;
  log(`agent (from sources) connected after ${Math.round(sourcesStartMs)} ms`);
  await settle(sourcesAgent.pid);

  // 1. apply: agent vs kubectl, interleaved. Each run offers a stack of just one new 1,000-object layer (from an empty
  // one), then an empty stack again: the agent deletes the layer and stops watching ConfigMaps, so kubectl's turn
  // runs with no agent watch streaming its objects (which would cost the API server and the agent CPU).
  const agentMs: number[] = [];
  const kubectlMs: number[] = [];
  // CPU per apply: the client (agent or kubectl) and the control plane (kube-apiserver + etcd), in clock ticks.
  const cpu = {
    agent: [] as number[],
    kubectl: [] as number[],
    agentCp: [] as number[],
    kubectlCp: [] as number[],
  };
  const controlPlane = cluster.processes
    .filter((p) => p.component === 'kube-apiserver' || p.component === 'etcd')
    .map((p) => p.pid);
  const cpTicks = async (): Promise<number> =>
    (await Promise.all(controlPlane.map(cpuTicks))).reduce((a, b) => a + b, 0);
  /** Offers `stack` and resolves once every layer is Applied and nothing else is listed (removals done). */
  const offer = async (stack: JsonObject[], policy?: { drift: 'remediate' | 'report' }): Promise<void> => {
    const since = server.mark();
    const revision = server.publish(desiredMessage(stack, policy));
    await reportArrival(
      server,
      since,
      (r) =>
        r.revision === revision &&
        r.layers.length === stack.length &&
        r.layers.every((l) => l.state === 'Applied'),
    );
  };
  const big = (i: number): JsonObject =>
    stackLayer('bench', `cm${i}`, { manifests: manifests(`agent${i}`, OBJECTS) });
  for (let i = 0; i < RUNS; i++) {
    const key = `bench.cm${i}`;
    const since = server.mark();
    const [a0, p0] = [await cpuTicks(sourcesAgent.pid), await cpTicks()];
    const t0 = performance.now();
    const revision = server.publish(desiredMessage([big(i)]));
    const { at } = await reportArrival(
      server,
      since,
      (r) => r.revision === revision && layerOf(r, key)?.state === 'Applied',
    );
    agentMs.push(at - t0);
    cpu.agent.push((await cpuTicks(sourcesAgent.pid)) - a0);
    cpu.agentCp.push((await cpTicks()) - p0);
    await settle(sourcesAgent.pid);
    await offer([]);
    for (let k = 0; k < NAMESPACES; k++)
      for (let tries = 0; (await kubeRequest(kc, `/api/v1/namespaces/agent${i}-ns${k}`)) !== 404; tries++) {
        if (tries > 600) throw new Error(`namespace agent${i}-ns${k} was not deleted within 60 s`);
        await sleep(100);
      }
    await settle(sourcesAgent.pid);

    const kdir = join(dir, `kubectl${i}`);
    await writeManifestDir(kdir, manifests(`kubectl${i}`, OBJECTS));
    const [c0, q0] = [await childTicks(), await cpTicks()];
    const k0 = performance.now();
    await run(kubectl, [
      '--kubeconfig',
      cluster.kubeconfigPath,
      'apply',
      '--server-side',
      '--field-manager=bench',
      '-f',
      kdir,
    ]);
    kubectlMs.push(performance.now() - k0);
    cpu.kubectl.push((await childTicks()) - c0);
    cpu.kubectlCp.push((await cpTicks()) - q0);
    log(
      `apply run ${i + 1}/${RUNS}: agent ${Math.round(agentMs[i]!)} ms, kubectl ${Math.round(kubectlMs[i]!)} ms`,
    );
    await sleep(3000);
  }

  // The last run's layer again, for what follows.
  const last = RUNS - 1;
  await offer([big(last)]);
  await settle(sourcesAgent.pid);

  // A revision that adds a small layer (a Deployment) next to the unchanged 1,000-object layer.
  const web = stackLayer('bench', 'web', {
    manifests: [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench-web' } },
      deployment('web', 'bench-web', 1),
    ],
  });
  const layers = [big(last), web];
  let addLayerMs: number;
  {
    const since = server.mark();
    const t0 = performance.now();
    const revision = server.publish(desiredMessage(layers));
    const { at } = await reportArrival(
      server,
      since,
      (r) =>
        r.revision === revision &&
        r.layers.length === layers.length &&
        r.layers.every((l) => l.state === 'Applied'),
    );
    addLayerMs = at - t0;
    log(`revision adding a Deployment layer next to the unchanged big layer: ${Math.round(addLayerMs)} ms`);
    await settle(sourcesAgent.pid);
  }

  // 2. drift, with policy `report` (so no remediation pauses after repeated changes): alternately a ConfigMap of
  // the 1,000-object layer is edited and the Deployment scaled; after each Drifted report the change is undone and
  // the layer must be reported Applied again.
  await offer(layers, { drift: 'report' });
  await settle(sourcesAgent.pid);
  const driftMs: { kind: string; ms: number }[] = [];
  for (let k = 0; k < DRIFT_RUNS; k++) {
    const scale = k % 2 === 1;
    const key = scale ? 'bench.web' : `bench.cm${last}`;
    const cm = 10 * k + 3;
    const name = scale ? 'web' : `cm-${String(cm).padStart(4, '0')}`;
    const path = scale
      ? '/apis/apps/v1/namespaces/bench-web/deployments/web'
      : `/api/v1/namespaces/agent${last}-ns${cm % NAMESPACES}/configmaps/${name}`;
    const since = server.mark();
    const t0 = performance.now();
    await kubePatch(kc, path, scale ? { spec: { replicas: 2 + k } } : { data: { color: `red-${k}` } });
    const drifted = await reportArrival(
      server,
      since,
      (r) => {
        const l = layerOf(r, key);
        return l?.state === 'Drifted' && (l.drift ?? []).some((d) => d.object.name === name);
      },
      30_000,
    );
    driftMs.push({ kind: scale ? 'Deployment scaled' : 'ConfigMap edited', ms: drifted.at - t0 });
    await kubePatch(kc, path, scale ? { spec: { replicas: 1 } } : { data: { color: 'blue' } });
    await reportArrival(server, drifted.index + 1, (r) => layerOf(r, key)?.state === 'Applied', 30_000);
    log(`drift ${k + 1}/${DRIFT_RUNS}: ${driftMs[k]!.kind} → Drifted after ${Math.round(driftMs[k]!.ms)} ms`);
    await sleep(300);
  }

  // 3. idle: the agent from sources, then the bundled agent and a bare Node process for comparison.
  const managed = layers.reduce((n, l) => n + ((l as { manifests?: unknown[] }).manifests?.length ?? 0), 0);
  await settle(sourcesAgent.pid);
  log(`idle: sampling the agent from sources for ${IDLE_S} s`);
  const sourcesIdle = await idle(sourcesAgent.pid, IDLE_S);
  await stopAgent(sourcesAgent);

  let distStartMs: number | undefined;
  let distIdle: IdleSample | undefined;
  let distNote = '';
  if (!values['no-dist']) {
    try {
      await run('npm', ['run', '--silent', 'build', '-w', 'packages/agent']);
      const distAgent = startAgent(
        [...AGENT_NODE_FLAGS, join(ROOT, 'packages/agent/dist/strata-agent.mjs')],
        agentArgs.slice(1),
        join(dir, 'agent-dist.log'),
      );
      // It restarts from the persisted desired state: nothing to apply, every object re-checked for drift.
      const since = server.mark();
      const t = performance.now();
      await reportArrival(
        server,
        since,
        (r) => r.layers.length === layers.length && r.layers.every((l) => l.state === 'Applied'),
        120_000,
      );
      distStartMs = performance.now() - t;
      await settle(distAgent.pid);
      log(`idle: sampling the bundled agent for ${IDLE_S} s`);
      distIdle = await idle(distAgent.pid, IDLE_S);
      await stopAgent(distAgent);
    } catch (error) {
      distNote = `bundled agent not measured: ${error instanceof Error ? error.message : String(error)}`;
      log(distNote);
    }
  }
  const bare = startAgent(['-e', 'setInterval(() => {}, 1000)'], [], join(dir, 'bare.log'));
  await sleep(3000);
  const bareIdle = await idle(bare.pid, 10);
  await stopAgent(bare);
  // ---- report ----
  const a = median(agentMs);
  const kc50 = median(kubectlMs);
  const tick = (xs: number[]): string => `${(median(xs) / TICKS_PER_S).toFixed(1)} s`;
  const list = (xs: number[]): string => xs.map((x) => secs(x)).join(', ');
  const byKind = (kind: string): number[] => driftMs.filter((d) => d.kind === kind).map((d) => d.ms);
  const allDrift = driftMs.map((d) => d.ms);
  const idleRow = (what: string, s: IdleSample): string =>
    `| ${what} | ${s.rssMiB.median} MiB (${s.rssMiB.min}–${s.rssMiB.max}) | ${s.hwmMiB.toFixed(0)} MiB | ${s.cpuPercent.toFixed(2)} % |`;
  console.log(
    [
      `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}; load average at the end ${(await readFile('/proc/loadavg', 'utf8')).split(' ').slice(0, 3).join(' ')}.`,
      '',
      `agent (from sources) start → first report: ${secs(sourcesStartMs)} s${distStartMs !== undefined ? `; bundled agent restart → all ${layers.length} layers re-checked and Applied: ${secs(distStartMs)} s` : ''}`,
      '',
      `| ${OBJECTS} manifests, one layer | median of ${RUNS} | runs | client CPU (median) | apiserver + etcd CPU (median) |`,
      '|---|---|---|---|---|',
      `| agent: revision offered → layer reported Applied | ${secs(a)} s | ${list(agentMs)} | ${tick(cpu.agent)} | ${tick(cpu.agentCp)} |`,
      `| kubectl apply --server-side -f dir | ${secs(kc50)} s | ${list(kubectlMs)} | ${tick(cpu.kubectl)} | ${tick(cpu.kubectlCp)} |`,
      `| **ratio agent / kubectl** | **${(a / kc50).toFixed(2)}×** | | | |`,
      '',
      `Revision adding a one-Deployment layer next to the unchanged ${OBJECTS}-object layer → all Applied: ${secs(addLayerMs)} s`,
      '',
      `| drift: change → report shows Drifted | median | min–max | n |`,
      '|---|---|---|---|',
      ...['ConfigMap edited', 'Deployment scaled'].map((kind) => {
        const xs = byKind(kind);
        return `| ${kind} | ${Math.round(median(xs))} ms | ${Math.round(Math.min(...xs))}–${Math.round(Math.max(...xs))} ms | ${xs.length} |`;
      }),
      `| **all** | **${Math.round(median(allDrift))} ms** | ${Math.round(Math.min(...allDrift))}–${Math.round(Math.max(...allDrift))} ms | ${allDrift.length} |`,
      '',
      `Idle (${managed} objects in ${layers.length} layers under drift detection; ${IDLE_S} s window, RSS every 5 s):`,
      '',
      '| process | VmRSS median (min–max) | VmHWM (peak) | CPU (one core) |',
      '|---|---|---|---|',
      idleRow('`node bin/strata.js agent` (from sources)', sourcesIdle),
      ...(distIdle
        ? [
            idleRow(
              `\`node ${AGENT_NODE_FLAGS.join(' ')} packages/agent/dist/strata-agent.mjs\` (bundle, as the server starts it)`,
              distIdle,
            ),
          ]
        : []),
      idleRow('bare `node -e "setInterval(...)"` (10 s)', bareIdle),
      ...(distNote ? ['', distNote] : []),
    ].join('\n'),
  );
} finally {
  for (const a of agents) await stopAgent(a);
  await server.stop();
  await sandbox.delete('bench-agent').catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
}
// Everything is stopped and deleted; do not wait for idle keep-alive sockets to time out.
process.exit(process.exitCode ?? 0);
