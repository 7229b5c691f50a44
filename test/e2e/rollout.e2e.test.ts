/**
 * Fleet rollouts on real sandbox clusters (issue 19), driven with the strata CLI against a real server process:
 * six clusters; a canary and two batches succeed, with the server killed (-9) mid-batch and no cluster written
 * twice; a broken profile version halts at the canary with the reason, and rollback restores the previous version.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { requireSandboxBinaries } from '@strata/testing';
import { api, type Api } from './support/api.js';
import {
  PROJECT,
  getCluster,
  publishProfile,
  running,
  sandboxProfile,
  smallFleet,
  waitForCluster,
} from './support/clusters.js';
import { strata } from './support/run-strata.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';
import { processesMentioning } from './sandbox-support.js';

await requireSandboxBinaries();

const NAMES = ['r1', 'r2', 'r3', 'r4', 'r5', 'r6'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** base 1.2.0: a layer the API server refuses (an unknown kind), so the agent reports it Failed. */
function brokenProfile(): Record<string, unknown> {
  const body = sandboxProfile('1.2.0');
  const spec = body.spec as { layers: unknown[] };
  spec.layers.push({
    name: 'broken',
    manifest: 'apiVersion: example.invalid/v1\nkind: NoSuchKind\nmetadata: {name: x}\n',
  });
  return body;
}

describe('rollouts on real sandbox clusters', () => {
  let server: ServerProcess;
  let a: Api;
  let dataDir: string;
  let dir: string;
  const env = () => ({
    STRATA_SERVER: server.url,
    STRATA_API_KEY: server.adminKey,
    STRATA_CONFIG: join(dir, 'config.json'),
  });
  const version = async (name: string) =>
    ((await getCluster(a, name))!.spec as { profiles: { version: string }[] }).profiles[0]!.version;
  const rolloutStatus = async (name: string) =>
    ((await a.ok('GET', `${PROJECT}/rollouts/${name}`)).status ?? {}) as {
      phase?: string;
      message?: string;
      batches?: { name: string; state: string }[];
      clusters?: { name: string; state: string; reason?: string; message?: string }[];
    };
  const waitRollout = async (
    name: string,
    what: string,
    check: (s: Awaited<ReturnType<typeof rolloutStatus>>) => boolean,
    ms = 600_000,
  ) => {
    const deadline = Date.now() + ms;
    for (;;) {
      let s: Awaited<ReturnType<typeof rolloutStatus>> | undefined;
      try {
        s = await rolloutStatus(name);
        if (check(s)) return s;
      } catch {
        // restarting
      }
      if (Date.now() > deadline)
        throw new Error(`rollout ${name}: timed out waiting for ${what}: ${JSON.stringify(s, null, 1)}`);
      await sleep(1000);
    }
  };

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'strata-rollout-e2e-'));
    dir = await mkdtemp(join(tmpdir(), 'strata-rollout-cli-'));
    server = await startServerProcess({ dataDir, logFile: join(dataDir, 'server.log') });
    a = api(server.url, server.adminKey);
    await smallFleet(a, NAMES, { fleet: 'e2e' });
    await publishProfile(a, brokenProfile());
  });
  after(async () => {
    await server?.stop();
    for (const pid of await processesMentioning(dataDir)) process.kill(pid, 'SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
    await rm(dir, { recursive: true, force: true });
  });

  it('plans, then rolls a canary and two batches; a kill -9 mid-batch resumes without writing a cluster twice', async () => {
    const file = join(dir, 'to-1-1.yaml');
    await writeFile(
      file,
      `apiVersion: strata.dev/v1alpha1
kind: Rollout
metadata: {name: to-1-1, project: default}
spec:
  target: {selector: fleet=e2e}
  change: {profile: {name: base, version: 1.1.0}}
  strategy: {canary: {count: 1}, batchSize: 3, healthGate: {timeoutSeconds: 300}}
`,
    );
    const plan = await strata(['rollout', 'plan', '-f', file], env());
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(plan.stdout, /Rollout plan: 6 to change, 0 skipped, 0 blocked/);
    assert.match(plan.stdout, /default\/r1 \[canary\]: ~base\/team-ns/);
    assert.deepEqual(
      await Promise.all(NAMES.map(version)),
      NAMES.map(() => '1.0.0'),
      'a plan changes nothing',
    );

    const start = await strata(['rollout', 'start', '-f', file, '--yes'], env());
    assert.equal(start.code, 0, start.stderr);
    await waitRollout('to-1-1', 'batch-1 to start', (s) => s.batches?.[1]?.state === 'Running');
    await server.kill();
    server = await startServerProcess({ dataDir, port: server.port, logFile: join(dataDir, 'server.log') });
    a = api(server.url, server.adminKey);
    const done = await waitRollout(
      'to-1-1',
      'Succeeded',
      (s) => s.phase === 'Succeeded' || s.phase === 'Halted',
    );
    assert.equal(done.phase, 'Succeeded', JSON.stringify(done, null, 1));
    assert.deepEqual(
      await Promise.all(NAMES.map(version)),
      NAMES.map(() => '1.1.0'),
    );
    for (const name of NAMES) await waitForCluster(a, name, 'Running on 1.1.0', running);

    const audit = ((await a.ok('GET', `${PROJECT}/auditentries?limit=1000`)).items ?? []) as {
      spec: { actor: string; verb: string; object: { kind: string; name: string } };
    }[];
    for (const name of NAMES) {
      const writes = audit.filter(
        (e) =>
          e.spec.actor === 'system:rollout-controller' &&
          e.spec.object.kind === 'Cluster' &&
          e.spec.object.name === name,
      );
      assert.equal(writes.length, 1, `${name} was written once by the rollout`);
    }
    const status = await strata(['rollout', 'status', 'to-1-1', '-p', 'default'], env());
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /canary +\[#+\] 1\/1 Succeeded/);
    assert.match(status.stdout, /batch-2 +\[#+\] 2\/2 Succeeded/);
  });

  it('halts at the canary on a broken version, with the reason, and rollback restores the previous version', async () => {
    const file = join(dir, 'to-1-2.yaml');
    await writeFile(
      file,
      `kind: Rollout
metadata: {name: to-1-2}
spec:
  target: {selector: fleet=e2e}
  change: {profile: {name: base, version: 1.2.0}}
  strategy: {canary: {clusters: [r4]}, batchSize: 5, healthGate: {timeoutSeconds: 180}}
`,
    );
    const start = await strata(['rollout', 'start', '-f', file, '--yes', '-p', 'default'], env());
    assert.equal(start.code, 0, start.stderr);
    const halted = await waitRollout(
      'to-1-2',
      'a halt',
      (s) => s.phase === 'Halted' || s.phase === 'Succeeded',
    );
    assert.equal(halted.phase, 'Halted');
    const r4 = halted.clusters?.find((c) => c.name === 'r4');
    assert.equal(r4?.state, 'Failed');
    assert.match(`${r4?.reason}: ${r4?.message}`, /LayerFailed: layer base\/broken failed/);
    assert.deepEqual(
      await Promise.all(NAMES.filter((n) => n !== 'r4').map(version)),
      [1, 2, 3, 4, 5].map(() => '1.1.0'),
      'no other cluster was touched',
    );
    const status = await strata(['rollout', 'status', 'to-1-2', '-p', 'default'], env());
    assert.equal(status.code, 1, 'a halted rollout exits 1');
    assert.match(status.stdout, /r4: LayerFailed/);

    const back = await strata(['rollout', 'rollback', 'to-1-2', '-p', 'default'], env());
    assert.equal(back.code, 0, back.stderr);
    const rolled = await waitRollout('to-1-2', 'RolledBack', (s) => s.phase === 'RolledBack');
    assert.equal(rolled.clusters?.find((c) => c.name === 'r4')?.state, 'RolledBack');
    assert.equal(await version('r4'), '1.1.0');
    await waitForCluster(a, 'r4', 'Running on 1.1.0 again', running);
  });
});
