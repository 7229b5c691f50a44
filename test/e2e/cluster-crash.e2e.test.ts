/**
 * Crash safety (issue 5): the server is killed with SIGKILL at three points of provisioning and three points of
 * deletion. After each restart (same data directory and port) every cluster converges to its end state —
 * Running, or gone — and no process of a deleted cluster is left behind.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { requireSandboxBinaries } from '@strata/testing';
import { api, type Api } from './support/api.js';
import {
  PROJECT,
  clusterBody,
  getCluster,
  publishProfile,
  running,
  sandboxProfile,
  waitForCluster,
  type ClusterView,
} from './support/clusters.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';
import { processLinesMentioning, processesMentioning } from './sandbox-support.js';

await requireSandboxBinaries();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('crash safety: kill -9 the server during provisioning and deletion', () => {
  let server: ServerProcess;
  let a: Api;
  let dataDir: string;
  let port: number;

  const restart = async () => {
    await server.kill();
    server = await startServerProcess({ dataDir, port, logFile: join(dataDir, 'server.log') });
    a = api(server.url, server.adminKey);
  };
  /** Polls the cluster every 50 ms until `point` holds, then kills the server at once. */
  const killWhen = async (name: string, point: (c: ClusterView | undefined) => boolean) => {
    const deadline = Date.now() + 120_000;
    while (!point(await getCluster(a, name))) {
      if (Date.now() > deadline) throw new Error(`${name} never reached the kill point`);
      await sleep(50);
    }
    await restart();
  };

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'strata-crash-'));
    server = await startServerProcess({ dataDir, logFile: join(dataDir, 'server.log') });
    port = server.port;
    a = api(server.url, server.adminKey);
    await publishProfile(a, sandboxProfile('1.0.0'));
  });
  after(async () => {
    await server?.stop();
    for (const pid of await processesMentioning(dataDir)) process.kill(pid, 'SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  const provisioning: [string, (c: ClusterView | undefined) => boolean, number][] = [
    ['right after the create call', () => true, 0],
    ['while the control plane starts', () => true, 1500],
    [
      'after the control plane is up, before the layers are applied',
      (c) => c?.status.conditions?.find((x) => x.type === 'ControlPlaneReady')?.status === 'True',
      0,
    ],
  ];
  provisioning.forEach(([point, predicate, delayMs], i) => {
    it(`converges to Running when killed ${point}`, async () => {
      const name = `crash-${i}`;
      await a.ok('POST', `${PROJECT}/clusters`, clusterBody(name, 1));
      if (delayMs > 0) await sleep(delayMs);
      await killWhen(name, predicate);
      await waitForCluster(a, name, 'Running after the restart', running, 180_000);
    });
  });

  const deletion: [string, (c: ClusterView | undefined) => boolean, number][] = [
    ['right after the delete call', () => true, 0],
    ['once it shows Deleting', (c) => c?.status.phase === 'Deleting' || c === undefined, 0],
    [
      'while the infrastructure is being removed',
      (c) => c?.status.phase === 'Deleting' || c === undefined,
      300,
    ],
  ];
  deletion.forEach(([point, predicate, delayMs], i) => {
    it(`finishes deleting when killed ${point}, leaving no process`, async () => {
      const name = `crash-${i}`;
      const c = await waitForCluster(a, name, 'an infrastructure name', (x) =>
        Boolean(x?.status.infrastructureName),
      );
      const stateDir = join(dataDir, 'sandbox', c!.status.infrastructureName!);
      await a.ok('DELETE', `${PROJECT}/clusters/${name}`);
      if (delayMs > 0) await sleep(delayMs);
      await killWhen(name, predicate);
      await waitForCluster(a, name, 'the cluster to disappear', (x) => x === undefined, 120_000);
      assert.deepEqual(await processLinesMentioning(stateDir), [], `no process of ${name} is left`);
    });
  });

  it('leaves nothing of the deleted clusters on disk or in the process table', async () => {
    assert.deepEqual(await readdir(join(dataDir, 'sandbox')), []);
    assert.deepEqual(await processLinesMentioning(join(dataDir, 'sandbox')), []);
  });
});
