/**
 * Crash drills for clusters built through Cluster API (issue 16): the Strata server is killed with SIGKILL while a
 * `capi-dev` cluster is being created, scaled down and deleted, and a Cluster API manager is killed while a scale-up
 * waits on it. After each restart everything converges — Running with the asked node counts, or gone — with exactly
 * one of each CAPI object per cluster on the gateway (no duplicate, nothing orphaned) and the manager restarted.
 */
import assert from 'node:assert/strict';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { CAPI_SETUP_HINT, CAPI_VERSION, findCapiBuild, type GatewayClient } from '@strata/capi';
import { requireSandboxBinaries } from '@strata/testing';
import { api, type Api } from './support/api.js';
import { PROJECT, getCluster, waitForCluster, type ClusterView } from './support/clusters.js';
import { capiClusterBody, embeddedGatewayReady, publishInfraProfile } from './support/gateways.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';
import { sequentialSteps } from './support/steps.js';
import { eventually, processesMentioning } from './sandbox-support.js';

await requireSandboxBinaries();
if (!(await findCapiBuild()))
  throw new Error(`the Cluster API crash drills need the Cluster API managers: ${CAPI_SETUP_HINT}`);

const NS = 'strata';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const workers = (c: ClusterView | undefined) => c?.status.nodePools?.find((p) => p.name === 'workers');
const runningWith = (n: number) => (c: ClusterView | undefined) =>
  c?.status.phase === 'Running' && workers(c)?.ready === n && workers(c)?.desired === n;

describe('crash drills: kill -9 the server and a Cluster API manager around a capi-dev cluster', () => {
  const step = sequentialSteps();
  let server: ServerProcess;
  let a: Api;
  let dataDir: string;
  let port: number;
  let gateway: GatewayClient;
  let infraName = '';
  const name = 'drill';

  const restart = async () => {
    await server.kill();
    server = await startServerProcess({ dataDir, port, logFile: join(dataDir, 'server.log') });
    a = api(server.url, server.adminKey);
  };
  const killWhen = async (point: (c: ClusterView | undefined) => boolean) => {
    const deadline = Date.now() + 120_000;
    while (!point(await getCluster(a, name))) {
      if (Date.now() > deadline) throw new Error(`${name} never reached the kill point`);
      await sleep(50);
    }
    await restart();
  };
  /** How many objects of each kind the gateway holds for the cluster. */
  const census = async () => {
    const byName = `cluster.x-k8s.io/cluster-name=${infraName}`;
    const count = async (apiVersion: string, kind: string, selector = byName) =>
      (await gateway.list(apiVersion, kind, NS, selector)).length;
    return {
      Cluster: (await gateway.list(CAPI_VERSION, 'Cluster', NS)).filter((c) => c.metadata.name === infraName)
        .length,
      KubeadmControlPlane: await count('controlplane.cluster.x-k8s.io/v1beta2', 'KubeadmControlPlane'),
      MachineDeployment: await count(CAPI_VERSION, 'MachineDeployment'),
      Machine: await count(CAPI_VERSION, 'Machine'),
    };
  };

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'strata-capi-crash-'));
    server = await startServerProcess({ dataDir, logFile: join(dataDir, 'server.log') });
    port = server.port;
    a = api(server.url, server.adminKey);
    await publishInfraProfile(a);
    const env = {
      STRATA_SERVER: server.url,
      STRATA_API_KEY: server.adminKey,
      STRATA_CONFIG: join(dataDir, 'cli.json'),
    };
    gateway = await embeddedGatewayReady(a, env, dataDir);
  });
  after(async () => {
    await server?.stop();
    for (const pid of await processesMentioning(dataDir)) process.kill(pid, 'SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  step('killed while creating: the restarted server adopts what it applied, nothing twice', async () => {
    await a.ok('POST', `${PROJECT}/clusters`, capiClusterBody(name));
    await killWhen((c) => c?.status.phase === 'Provisioning');
    const c = await waitForCluster(a, name, 'Running with 2 workers', runningWith(2), 240_000);
    infraName = c!.status.infrastructureName!;
    assert.deepEqual(await census(), {
      Cluster: 1,
      KubeadmControlPlane: 1,
      MachineDeployment: 1,
      Machine: 3,
    });
  });

  step('a Cluster API manager killed: the gateway restarts it, the scale-up it held converges', async () => {
    const core: number[] = [];
    for (const pid of await processesMentioning(dataDir)) {
      const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
      if (cmdline.includes(join('companions', 'capi-core', 'kubeconfig'))) core.push(pid);
    }
    assert.equal(core.length, 1, 'one core manager runs');
    process.kill(core[0]!, 'SIGKILL');
    await a.ok('POST', `${PROJECT}/clusters/${name}/scale`, { pool: 'workers', count: 3 });
    await waitForCluster(a, name, 'Running with 3 workers', runningWith(3), 240_000);
    const gw = await a.ok('GET', `${PROJECT}/gateways/local`);
    const status = gw.status as { phase: string; components: { name: string; restarts: number }[] };
    assert.equal(status.phase, 'Ready');
    assert.ok((status.components.find((x) => x.name === 'core')?.restarts ?? 0) >= 1, JSON.stringify(status));
    assert.deepEqual(await census(), {
      Cluster: 1,
      KubeadmControlPlane: 1,
      MachineDeployment: 1,
      Machine: 4,
    });
  });

  step('killed while scaling down: converges to the asked count', async () => {
    await a.ok('POST', `${PROJECT}/clusters/${name}/scale`, { pool: 'workers', count: 1 });
    await killWhen((c) => workers(c)?.desired === 1);
    await waitForCluster(a, name, 'Running with 1 worker', runningWith(1), 240_000);
    await eventually(async () =>
      assert.deepEqual(await census(), {
        Cluster: 1,
        KubeadmControlPlane: 1,
        MachineDeployment: 1,
        Machine: 2,
      }),
    );
  });

  step('killed while deleting: the cluster goes, and nothing of it is left on the gateway', async () => {
    await a.ok('DELETE', `${PROJECT}/clusters/${name}`);
    await killWhen((c) => c === undefined || c.status.phase === 'Deleting');
    await waitForCluster(a, name, 'the cluster to disappear', (c) => c === undefined, 240_000);
    assert.deepEqual(await census(), {
      Cluster: 0,
      KubeadmControlPlane: 0,
      MachineDeployment: 0,
      Machine: 0,
    });
    for (const kind of ['DevMachineTemplate', 'DevCluster']) {
      const left = await gateway.list(
        'infrastructure.cluster.x-k8s.io/v1beta2',
        kind,
        NS,
        `strata.dev/cluster-uid=${infraName}`,
      );
      assert.deepEqual(left, [], `${kind} left`);
    }
  });
});
