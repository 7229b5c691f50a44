/**
 * Lifecycle against the real binaries: kill -9 of the parent and adoption by a new process,
 * restart of a dead component, stop/start keeping etcd data, delete leaving nothing behind, CLI.
 * Fails (never skips) when the binaries are not built.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { SETUP_HINT, findBinarySet } from './binaries.js';
import { runSandboxCli } from './cli.js';
import { isOurs } from './process.js';
import { Sandbox } from './sandbox.js';
import { readState } from './state.js';

const INDEX = fileURLToPath(new URL('./index.ts', import.meta.url));

function core(kubeconfig: string): CoreV1Api {
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfig);
  return kc.makeApiClient(CoreV1Api);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Runs a separate node process that creates a cluster, reports its PIDs, then idles until killed. */
async function createInChildProcess(
  stateRoot: string,
  name: string,
): Promise<{ child: ReturnType<typeof spawn>; pids: number[] }> {
  const code = `
    const { Sandbox } = await import(${JSON.stringify(`file://${INDEX}`)});
    const sb = new Sandbox({ stateRoot: ${JSON.stringify(stateRoot)} });
    const c = await sb.createCluster({ name: ${JSON.stringify(name)}, nodePools: [{ name: 'cp', count: 1, controlPlane: true }, { name: 'workers', count: 2 }] });
    console.log(JSON.stringify({ pids: c.processes.map((p) => p.pid) }));
    setInterval(() => {}, 1 << 30);`;
  const child = spawn(
    process.execPath,
    [
      '--import',
      fileURLToPath(new URL('../../../bin/conditions-hook.js', import.meta.url)),
      '--input-type=module',
      '-e',
      code,
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (c) => reject(new Error(`child exited with ${c} before creating the cluster`)));
  });
  return { child, pids: (JSON.parse(line) as { pids: number[] }).pids };
}

describe('sandbox lifecycle (real binaries)', () => {
  let stateRoot = '';
  before(async () => {
    if (!(await findBinarySet({})))
      throw new Error(`sandbox tests need the local Kubernetes binaries: ${SETUP_HINT}`);
    stateRoot = await mkdtemp(join(tmpdir(), 'strata-lifecycle-'));
  });
  after(async () => {
    const sb = new Sandbox({ stateRoot });
    for (const c of await sb.list().catch(() => [])) await sb.delete(c.name).catch(() => undefined);
    await rm(stateRoot, { recursive: true, force: true });
  });

  it('survives kill -9 of the parent: a new process lists, adopts, restarts, stops/starts and deletes it', async () => {
    const { child, pids } = await createInChildProcess(stateRoot, 'orphan');
    assert.equal(pids.length, 5);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    assert.ok(pids.every(alive), 'components outlive their parent');

    const sb = new Sandbox({ stateRoot });
    const [listed] = await sb.list();
    assert.equal(listed?.name, 'orphan');
    assert.equal(listed?.phase, 'running');
    assert.deepEqual(listed?.processes.map((p) => p.pid).sort(), [...pids].sort());
    const adopted = await sb.adopt('orphan');
    assert.deepEqual(
      adopted.processes.map((p) => p.pid).sort(),
      [...pids].sort(),
      'running processes are adopted as they are',
    );
    const api = core(await sb.kubeconfig('orphan'));
    await api.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'keep' }, data: { v: '1' } },
    });
    await sb.scaleNodePool('orphan', 'workers', 3);

    // A component dies (we started it, so we may kill it): list({adopt}) restarts just that one.
    const state = await readState(join(stateRoot, 'orphan', 'state.json'));
    const kwok = state!.processes.find((p) => p.component === 'kwok')!;
    process.kill(kwok.pid, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal((await sb.get('orphan')).phase, 'degraded');
    const [restarted] = await sb.list({ adopt: true });
    assert.equal(restarted?.phase, 'running');
    const newKwok = restarted?.processes.find((p) => p.component === 'kwok');
    assert.notEqual(newKwok?.pid, kwok.pid);
    assert.equal(
      restarted?.processes.find((p) => p.component === 'kube-apiserver')?.pid,
      state!.processes.find((p) => p.component === 'kube-apiserver')?.pid,
    );

    // stop keeps data; start brings it back with all 4 nodes Ready.
    const beforeStop = (await readState(join(stateRoot, 'orphan', 'state.json')))!.processes;
    await sb.stop('orphan');
    assert.equal((await sb.get('orphan')).phase, 'stopped');
    for (const p of beforeStop)
      assert.equal(await isOurs(p), false, `${p.component} (${p.pid}) still running after stop`);
    const started = await sb.start('orphan');
    assert.equal(started.phase, 'running');
    const api2 = core(await sb.kubeconfig('orphan'));
    assert.equal(
      (await api2.readNamespacedConfigMap({ namespace: 'default', name: 'keep' })).data?.['v'],
      '1',
    );
    assert.equal((await api2.listNode()).items.length, 4);

    // delete ends exactly its processes and removes the state directory.
    const last = (await readState(join(stateRoot, 'orphan', 'state.json')))!.processes;
    await sb.delete('orphan');
    for (const p of last) assert.equal(await isOurs(p), false, `${p.component} (${p.pid}) still running`);
    await assert.rejects(access(join(stateRoot, 'orphan')));
    assert.deepEqual(await sb.list(), []);
  });

  it('drives create / list / kubeconfig / delete through runSandboxCli', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t) };
    const dir = ['--state-dir', stateRoot];
    assert.equal(await runSandboxCli(['create', 'cli-demo', '--workers', '1', ...dir], io), 0, err.join(''));
    assert.match(
      out.join(''),
      /created sandbox cluster cli-demo \(v1\.36\.\d+, 1 control-plane \+ 1 workers\)/,
    );
    out.length = 0;
    assert.equal(await runSandboxCli(['list', ...dir], io), 0);
    assert.match(out.join(''), /cli-demo\s+running\s+v1\.36\.\d+\s+2\s+https:\/\/127\.0\.0\.1:\d+/);
    out.length = 0;
    assert.equal(await runSandboxCli(['kubeconfig', 'cli-demo', ...dir], io), 0);
    assert.equal((await core(out.join('')).listNode()).items.length, 2);
    assert.equal(await runSandboxCli(['create', 'cli-demo', ...dir], io), 1);
    assert.match(err.join(''), /STRATA_ALREADY_EXISTS/);
    assert.equal(await runSandboxCli(['create', 'Bad_Name', ...dir], io), 1);
    assert.match(err.join(''), /DNS-1123/);
    assert.equal(await runSandboxCli(['create', 'x', '--kubernetes-version', '1.19.0', ...dir], io), 1);
    assert.match(err.join(''), /unknown Kubernetes version "1.19.0"/);
    assert.equal(await runSandboxCli(['frobnicate', ...dir], io), 2);
    assert.equal(await runSandboxCli(['delete', 'cli-demo', ...dir], io), 0);
    assert.equal(await runSandboxCli(['delete', 'cli-demo', ...dir], io), 1);
    assert.match(err.join(''), /STRATA_NOT_FOUND/);
  });
});
