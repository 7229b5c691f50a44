/**
 * Issue 16's end to end, on a real `strata server` process: an embedded gateway (a sandbox management cluster running
 * the real Cluster API v1.14 managers, webhooks registered) comes up Ready → a `capi-dev` cluster with 1 control-plane
 * node and 2 workers reaches Running (CAPI's Cluster Available, KCP and MachineDeployment ready) → workers scale
 * 2→3→1 → a Kubernetes upgrade waits for approval, then KCP rolls first and the MachineDeployment after → pause holds
 * CAPI (`spec.paused`) and resume releases it → delete leaves nothing on the gateway → deleting the last gateway stops
 * its management cluster and managers. The CLI shows the gateway; the
 * console shows the gateway and the cluster (screenshot `21-gateways`). Needs the Kubernetes binaries and the
 * Cluster API managers (npm test builds both): fails, never skips, without them.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import {
  CAPI_SETUP_HINT,
  CAPI_VERSION,
  findCapiBuild,
  type GatewayClient,
  type Unstructured,
} from '@strata/capi';
import { requireSandboxBinaries } from '@strata/testing';
import type { Browser, Page } from 'playwright-core';
import { api, type Api } from './support/api.js';
import { consoleFor, launchBrowser, screenshot, signIn } from './support/browser.js';
import { PROJECT, waitForCluster, type ClusterView } from './support/clusters.js';
import { capiClusterBody, embeddedGatewayReady, publishInfraProfile } from './support/gateways.js';
import { strata } from './support/run-strata.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';
import { sequentialSteps } from './support/steps.js';
import { eventually, processesMentioning } from './sandbox-support.js';

await requireSandboxBinaries();
if (!(await findCapiBuild()))
  throw new Error(`the Cluster API e2e needs the Cluster API managers: ${CAPI_SETUP_HINT}`);

const NS = 'strata';

const condition = (object: Unstructured | undefined, type: string) =>
  ((object?.status?.['conditions'] ?? []) as { type: string; status: string }[]).find((c) => c.type === type)
    ?.status;
/** A nested field of a gateway object, or undefined. */
const dig = (object: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>(
    (v, k) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined),
    object,
  );
const pool = (c: ClusterView | undefined, name: string) => c?.status.nodePools?.find((p) => p.name === name);
const infraUp = (c: ClusterView | undefined) =>
  ['InfrastructureReady', 'ControlPlaneReady', 'NodePoolsReady'].every(
    (t) => c?.status.conditions?.find((x) => x.type === t)?.status === 'True',
  );
const runningWith = (workers: number) => (c: ClusterView | undefined) =>
  c?.status.phase === 'Running' && infraUp(c) && pool(c, 'workers')?.ready === workers;

describe('Cluster API through Strata: embedded gateway, capi-dev lifecycle (real server, real CAPI managers)', () => {
  const step = sequentialSteps(() => (page ? screenshot(page, 'failed-step-capi') : Promise.resolve()));
  let server: ServerProcess;
  let a: Api;
  let dataDir: string;
  let env: Record<string, string>;
  let gateway: GatewayClient;
  let infraName = '';
  let browser: Browser | undefined;
  let page: Page | undefined;
  const name = 'edge';

  const machines = async (poolName?: string) =>
    (await gateway.list(CAPI_VERSION, 'Machine', NS, `cluster.x-k8s.io/cluster-name=${infraName}`)).filter(
      (m) =>
        poolName === undefined ||
        (m.metadata['labels'] as Record<string, string>)['strata.dev/node-pool'] === poolName,
    );
  const capiCluster = () =>
    gateway.get({ apiVersion: CAPI_VERSION, kind: 'Cluster', name: infraName, namespace: NS });
  const kcp = () =>
    gateway.get({
      apiVersion: 'controlplane.cluster.x-k8s.io/v1beta2',
      kind: 'KubeadmControlPlane',
      name: `${infraName}-control-plane`,
      namespace: NS,
    });

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'strata-capi-e2e-'));
    server = await startServerProcess({ dataDir, logFile: join(dataDir, 'server.log') });
    a = api(server.url, server.adminKey);
    env = {
      STRATA_SERVER: server.url,
      STRATA_API_KEY: server.adminKey,
      STRATA_CONFIG: join(dataDir, 'cli.json'),
    };
    await publishInfraProfile(a);
  });
  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    for (const pid of await processesMentioning(dataDir)) process.kill(pid, 'SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  step('a cluster naming a gateway that does not exist is refused before anything is stored', async () => {
    const res = await a.call('POST', `${PROJECT}/clusters`, {
      metadata: { name },
      spec: {
        provider: 'capi-dev',
        gateway: 'local',
        nodePools: [{ name: 'cp', controlPlane: true, count: 1 }],
      },
    });
    assert.equal(res.status, 422);
    assert.match(res.text, /\/spec\/gateway.*no gateway \\"local\\"/);
  });

  step(
    'the embedded gateway comes up Ready: four managers, webhooks reachable (CLI list and describe)',
    async () => {
      gateway = await embeddedGatewayReady(a, env, dataDir);
      const list = await strata(['gateway', 'list', '-p', 'default'], env);
      assert.equal(list.code, 0, list.stderr);
      assert.match(list.stdout, /^local\s+default\s+embedded\s+v1\.14\.2\s+0\s+Ready\s+True\s/m);
      const described = await strata(['gateway', 'describe', 'local', '-p', 'default'], env);
      assert.equal(described.code, 0, described.stderr);
      for (const component of [
        'core',
        'bootstrap-kubeadm',
        'controlplane-kubeadm',
        'infrastructure-in-memory',
      ])
        assert.match(
          described.stdout,
          new RegExp(`^  ${component}\\s+v1\\.14\\.2\\s+true\\s+reachable`, 'm'),
        );
      assert.match(described.stdout, /WebhooksReachable\s+True/);
    },
  );

  step('a capi-dev cluster (1 control plane, 2 workers) reaches Running as CAPI reports it', async () => {
    const started = Date.now();
    await a.ok('POST', `${PROJECT}/clusters`, capiClusterBody(name));
    const c = await waitForCluster(a, name, 'Running with 2 workers', runningWith(2), 240_000);
    console.log(`capi-dev apply → Running: ${Date.now() - started} ms`);
    infraName = c!.status.infrastructureName!;
    assert.match(c!.status.endpoint ?? '', /^https:\/\/127\.0\.0\.1:\d+$/);
    const agent = c!.status.conditions?.find((x) => x.type === 'AgentConnected');
    assert.equal(agent?.reason, 'NoWorkloads', 'no agent is expected on simulated machines');
    assert.equal(condition(await capiCluster(), 'Available'), 'True');
    assert.equal((await kcp())?.status?.['readyReplicas'], 1);
    const [md] = await gateway.list(
      CAPI_VERSION,
      'MachineDeployment',
      NS,
      `strata.dev/cluster-uid=${infraName}`,
    );
    assert.equal(md?.status?.['readyReplicas'], 2);
    assert.equal((md?.metadata['labels'] as Record<string, string>)['strata.dev/node-pool'], 'workers');
    assert.equal((await machines()).length, 3);
  });

  step('scales the workers 2 → 3 → 1 through CAPI', async () => {
    await a.ok('POST', `${PROJECT}/clusters/${name}/scale`, { pool: 'workers', count: 3 });
    await waitForCluster(a, name, '3 workers', runningWith(3), 180_000);
    assert.equal((await machines('workers')).length, 3);
    await a.ok('POST', `${PROJECT}/clusters/${name}/scale`, { pool: 'workers', count: 1 });
    await waitForCluster(a, name, '1 worker', runningWith(1), 180_000);
    await eventually(async () => assert.equal((await machines('workers')).length, 1), 60_000);
  });

  step(
    'a Kubernetes upgrade waits for approval, then KCP rolls the control plane and the pool follows',
    async () => {
      const current = await a.ok('GET', `${PROJECT}/clusters/${name}`);
      const spec = { ...(current.spec as Record<string, unknown>), kubernetesVersion: 'v1.35.1' };
      await a.ok('PUT', `${PROJECT}/clusters/${name}`, { metadata: { name }, spec });
      const waiting = await waitForCluster(
        a,
        name,
        'a pending repave',
        (c) => c?.status.pendingRepave !== undefined,
      );
      assert.deepEqual(waiting?.status.pendingRepave?.pools, ['cp', 'workers']);
      await new Promise((r) => setTimeout(r, 3000));
      assert.equal(dig(await kcp(), 'spec', 'version'), 'v1.35.0', 'nothing rolls before approval');
      await a.ok('POST', `${PROJECT}/clusters/${name}/approve-repave`);
      await waitForCluster(
        a,
        name,
        'the upgrade to finish',
        (c) => runningWith(1)(c) && c?.status.pendingRepave === undefined,
        300_000,
      );
      assert.equal(dig(await kcp(), 'spec', 'version'), 'v1.35.1');
      await eventually(async () => {
        const all = await machines();
        assert.equal(all.length, 2);
        assert.deepEqual(
          all.map((m) => dig(m, 'spec', 'version')),
          ['v1.35.1', 'v1.35.1'],
        );
      }, 60_000);
      const c = await a.ok('GET', `${PROJECT}/clusters/${name}`);
      assert.equal((c.status as { kubernetesVersion?: string }).kubernetesVersion, 'v1.35.1');
    },
  );

  step('pause holds CAPI (spec.paused); resume releases it', async () => {
    await a.ok('PATCH', `${PROJECT}/clusters/${name}`, { spec: { policy: { paused: true } } });
    await eventually(async () => assert.equal(dig(await capiCluster(), 'spec', 'paused'), true), 60_000);
    await a.ok('PATCH', `${PROJECT}/clusters/${name}`, { spec: { policy: { paused: false } } });
    await eventually(async () => assert.equal(dig(await capiCluster(), 'spec', 'paused'), false), 60_000);
    await waitForCluster(a, name, 'Running again', runningWith(1));
  });

  step('the console shows the gateway with its managers, and the capi-dev cluster', async () => {
    await consoleFor(server.url);
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    page.setDefaultTimeout(30_000);
    const password = (await readFile(join(dataDir, 'admin-password'), 'utf8')).trim();
    await signIn(page, server.url, 'admin', password);
    await page.getByRole('link', { name: 'Gateways' }).click();
    await page.getByRole('heading', { name: 'Gateways' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: 'local' });
    await row.getByLabel('phase Ready').waitFor();
    await row.getByText('4/4 ready').waitFor();
    await row.getByRole('button', { name: 'Details' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('table', { name: 'Managers' }).getByText('infrastructure-in-memory').waitFor();
    await dialog.getByRole('table', { name: 'Conditions' }).getByText('WebhooksReachable').waitFor();
    await screenshot(page, '21-gateways');
    await page.keyboard.press('Escape');
    await page.getByRole('link', { name: 'Clusters' }).click();
    const clusterRow = page.getByRole('row').filter({ hasText: name });
    await clusterRow.getByLabel('phase Running').waitFor();
    await clusterRow.getByText('v1.35.1').waitFor();
    await clusterRow.getByRole('link', { name }).click();
    await page.getByText('capi-dev', { exact: true }).waitFor();
    await page.getByRole('table', { name: 'Conditions' }).getByText('NoWorkloads').first().waitFor();
  });

  step('deletes the cluster: gone, nothing of it left on the gateway; then the gateway may go', async () => {
    const inUse = await a.call('DELETE', `${PROJECT}/gateways/local`);
    assert.equal(inUse.status, 409);
    await a.ok('DELETE', `${PROJECT}/clusters/${name}`);
    await waitForCluster(a, name, 'the cluster to disappear', (c) => c === undefined, 240_000);
    const selector = `strata.dev/cluster-uid=${infraName}`;
    for (const [apiVersion, kind] of [
      [CAPI_VERSION, 'Cluster'],
      [CAPI_VERSION, 'MachineDeployment'],
      [CAPI_VERSION, 'Machine'],
      ['controlplane.cluster.x-k8s.io/v1beta2', 'KubeadmControlPlane'],
      ['bootstrap.cluster.x-k8s.io/v1beta2', 'KubeadmConfigTemplate'],
      ['infrastructure.cluster.x-k8s.io/v1beta2', 'DevMachineTemplate'],
      ['infrastructure.cluster.x-k8s.io/v1beta2', 'DevCluster'],
    ] as const) {
      assert.deepEqual(await gateway.list(apiVersion, kind, NS, selector), [], `${kind} left`);
    }
    assert.deepEqual(await machines(), [], 'no Machine left');
    const gatewayDir = join(dataDir, 'gateways');
    assert.ok((await processesMentioning(gatewayDir)).length >= 6, 'management cluster and managers run');
    await a.ok('DELETE', `${PROJECT}/gateways/local`);
    await eventually(async () => {
      assert.equal((await a.call('GET', `${PROJECT}/gateways/local`)).status, 404);
    }, 60_000);
    assert.deepEqual(
      await processesMentioning(gatewayDir),
      [],
      'the last embedded gateway took its processes along',
    );
  });
});
