/**
 * Issue 6 must-shows through the whole platform: a real `strata server`, the sandbox provider, and the agent it
 * starts. A full profile with 7 layers (OS, Kubernetes, sandbox CNI, sandbox CSI, a CRD + custom resource, a Helm
 * chart built by this test and served from a local Helm repository, a layer using variables and macros) is applied
 * in order; drift is reported with its diff, kept under `report`, repaired under `remediate`; an upgrade changes
 * values and removes an object and a layer without touching the rest; with the server down the agent keeps
 * repairing, and the status (and its events) catch up when the server is back.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AppsV1Api, CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { binaryPath, findBinarySet } from '@strata/sandbox';
import { requireSandboxBinaries } from '@strata/testing';
import { serveChartRepo, type ChartRepo } from '../../packages/agent/src/test/chart-repo.js';
import { api, type Api } from './support/api.js';
import { PROJECT, waitForCluster, type ClusterView } from './support/clusters.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';
import { eventually, processesMentioning } from './sandbox-support.js';

await requireSandboxBinaries();

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.demo.strata.dev}
spec:
  group: demo.strata.dev
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec: {type: object, properties: {size: {type: integer}}}
---
apiVersion: demo.strata.dev/v1
kind: Widget
metadata: {name: first, namespace: default}
spec: {size: 3}
`;

function settingsLayer(withExtra: boolean): string {
  const extra = `---
apiVersion: v1
kind: ConfigMap
metadata: {name: extra, namespace: '{{ .var.team }}'}
data: {note: goes away in 1.1.0}
`;
  return `apiVersion: v1
kind: Namespace
metadata: {name: '{{ .var.team }}'}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: '{{ .var.team }}'}
data:
  team: '{{ .var.team }}'
  registry: '{{ .macro.registry }}'
${withExtra ? extra : ''}`;
}

function profile(version: string, repo: string, v2: boolean): Record<string, unknown> {
  return {
    metadata: { name: 'platform' },
    spec: {
      type: 'full',
      version,
      variables: [
        { name: 'team', type: 'string', default: 'shop' },
        { name: 'greeting', type: 'string', default: 'hello' },
      ],
      layers: [
        { pack: 'ubuntu', version: '24.04.1' },
        { pack: 'kubernetes', version: '1.36.3' },
        { pack: 'sandbox-cni', version: '0.1.0' },
        { pack: 'sandbox-csi', version: '0.1.0' },
        ...(v2 ? [] : [{ name: 'widgets', manifest: CRD }]),
        {
          name: 'hello',
          namespace: 'apps',
          chart: { repository: repo, name: 'hello', version: '0.1.0' },
          values: `replicaCount: 1\ngreeting: '{{ .var.greeting }}${v2 ? ' again' : ''}'\n`,
        },
        { name: 'settings', manifest: settingsLayer(!v2) },
      ],
    },
  };
}

describe('agent layers, drift and offline operation through the server', () => {
  let server: ServerProcess;
  let a: Api;
  let dataDir: string;
  let repo: ChartRepo;
  let core: CoreV1Api;
  let apps: AppsV1Api;
  let custom: CustomObjectsApi;
  const name = 'apps';
  const layer = (c: ClusterView | undefined, l: string) => c?.status.layers?.find((x) => x.name === l);
  const events = async () =>
    (
      (await a.ok('GET', `${PROJECT}/clusters/${name}/events`)).items as {
        spec: { reason: string; message: string };
      }[]
    ).map((e) => e.spec);
  const setPolicy = async (drift: 'report' | 'remediate', version = '1.0.0') => {
    const current = (await a.ok('GET', `${PROJECT}/clusters/${name}`)) as unknown as ClusterView;
    const profiles = (current.spec.profiles as { name: string; version: string }[]).map((p) => ({
      ...p,
      version,
    }));
    const spec = { ...current.spec, policy: { drift }, profiles };
    await a.ok('PUT', `${PROJECT}/clusters/${name}`, { metadata: { name }, spec });
  };

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'strata-agent-e2e-'));
    const set = await findBinarySet({});
    repo = await serveChartRepo(binaryPath(set!, 'helm'), join(dataDir, 'charts'));
    server = await startServerProcess({ dataDir, logFile: join(dataDir, 'server.log') });
    a = api(server.url, server.adminKey);
    await a.ok('POST', '/v1/macros', {
      metadata: { name: 'registry' },
      spec: { value: 'registry.example.org' },
    });
    for (const [version, v2] of [
      ['1.0.0', false],
      ['1.1.0', true],
    ] as const) {
      await a.ok('POST', `${PROJECT}/clusterprofiles`, profile(version, repo.url, v2));
      await a.ok('POST', `${PROJECT}/clusterprofiles/platform/versions/${version}/publish`);
    }
  });
  after(async () => {
    await server?.stop();
    await repo?.stop();
    for (const pid of await processesMentioning(dataDir)) process.kill(pid, 'SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('applies every layer in order; the cluster is Running and Healthy', async () => {
    await a.ok('POST', `${PROJECT}/clusters`, {
      metadata: { name },
      spec: {
        provider: 'sandbox',
        nodePools: [
          { name: 'cp', controlPlane: true, count: 1 },
          { name: 'workers', count: 1 },
        ],
        profiles: [{ name: 'platform', version: '1.0.0', variables: { team: 'retail' } }],
        policy: { drift: 'report' },
      },
    });
    const c = await waitForCluster(a, name, 'Running', (x) => x?.status.phase === 'Running', 240_000);
    assert.deepEqual(
      c?.status.layers?.map((l) => [l.name, l.state]),
      ['ubuntu', 'kubernetes', 'sandbox-cni', 'sandbox-csi', 'widgets', 'hello', 'settings'].map((l) => [
        l,
        'Applied',
      ]),
    );
    assert.equal((c?.status as { health?: string }).health, 'Healthy');
    const kc = new KubeConfig();
    kc.loadFromString((await a.call('POST', `${PROJECT}/clusters/${name}/kubeconfig`)).text);
    core = kc.makeApiClient(CoreV1Api);
    apps = kc.makeApiClient(AppsV1Api);
    custom = kc.makeApiClient(CustomObjectsApi);
    const settings = await core.readNamespacedConfigMap({ name: 'settings', namespace: 'retail' });
    assert.deepEqual(
      settings.data,
      { team: 'retail', registry: 'registry.example.org' },
      'variables and macros',
    );
    const widget = (await custom.getNamespacedCustomObject({
      group: 'demo.strata.dev',
      version: 'v1',
      namespace: 'default',
      plural: 'widgets',
      name: 'first',
    })) as { spec: { size: number } };
    assert.equal(widget.spec.size, 3, 'the custom resource was applied after its CRD');
    const hello = await core.readNamespacedConfigMap({ name: 'hello-settings', namespace: 'apps' });
    assert.equal(hello.data?.greeting, 'hello', 'the chart got its values');
  });

  it('reports drift with its diff in seconds and keeps it under policy report', async () => {
    const started = Date.now();
    await apps.patchNamespacedDeploymentScale({
      name: 'hello',
      namespace: 'apps',
      body: [{ op: 'replace', path: '/spec/replicas', value: 3 }],
    });
    const c = await waitForCluster(
      a,
      name,
      'hello Drifted',
      (x) => layer(x, 'hello')?.state === 'Drifted',
      10_000,
    );
    console.log(`drift reported after ${Date.now() - started} ms`);
    const noDrift = (x: ClusterView | undefined) =>
      x?.status.conditions?.find((k) => k.type === 'NoDrift')?.status;
    await waitForCluster(a, name, 'NoDrift=False', (x) => noDrift(x) === 'False', 10_000);
    const drift =
      (layer(c, 'hello') as { drift?: { path: string; desired: unknown; live: unknown }[] }).drift ?? [];
    assert.ok(
      drift.some((d) => d.path === '/spec/replicas' && d.desired === 1 && d.live === 3),
      JSON.stringify(drift),
    );
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(
      (await apps.readNamespacedDeployment({ name: 'hello', namespace: 'apps' })).spec?.replicas,
      3,
    );
    assert.ok(
      (await events()).some((e) => e.reason === 'DriftDetected' && e.message.includes('/spec/replicas')),
    );
  });

  it('repairs drift under policy remediate', async () => {
    await setPolicy('remediate');
    await eventually(
      async () =>
        assert.equal(
          (await apps.readNamespacedDeployment({ name: 'hello', namespace: 'apps' })).spec?.replicas,
          1,
        ),
      30_000,
    );
    await waitForCluster(a, name, 'hello Applied', (x) => layer(x, 'hello')?.state === 'Applied', 30_000);
    await core.patchNamespacedConfigMap({
      name: 'settings',
      namespace: 'retail',
      body: [{ op: 'replace', path: '/data/team', value: 'hacked' }],
    });
    await eventually(
      async () =>
        assert.equal(
          (await core.readNamespacedConfigMap({ name: 'settings', namespace: 'retail' })).data?.team,
          'retail',
        ),
      10_000,
    );
    await eventually(
      async () => assert.ok((await events()).some((e) => e.reason === 'DriftRemediated')),
      10_000,
    );
  });

  it('upgrades: values change, a removed object and a removed layer are gone, untouched layers stay as they were', async () => {
    const cni = await apps.listDaemonSetForAllNamespaces({
      labelSelector: 'app.kubernetes.io/managed-by=strata',
    });
    const before = new Map(cni.items.map((d) => [d.metadata!.name!, d.metadata!.resourceVersion!]));
    assert.ok(before.size > 0);
    await a.ok('POST', `${PROJECT}/clusters/${name}/upgrade`, { profile: 'platform', version: '1.1.0' });
    await waitForCluster(
      a,
      name,
      'revision 2 applied',
      (x) => x?.status.phase === 'Running' && (x.status.reportedRevision ?? 0) >= 3 && !layer(x, 'widgets'),
      120_000,
    );
    await eventually(async () => {
      const hello = await core.readNamespacedConfigMap({ name: 'hello-settings', namespace: 'apps' });
      assert.equal(hello.data?.greeting, 'hello again');
    }, 30_000);
    await assert.rejects(
      core.readNamespacedConfigMap({ name: 'extra', namespace: 'retail' }),
      'removed object gone',
    );
    await eventually(async () => {
      await assert.rejects(
        custom.getNamespacedCustomObject({
          group: 'demo.strata.dev',
          version: 'v1',
          namespace: 'default',
          plural: 'widgets',
          name: 'first',
        }),
      );
    }, 30_000);
    const after = await apps.listDaemonSetForAllNamespaces({
      labelSelector: 'app.kubernetes.io/managed-by=strata',
    });
    for (const d of after.items) {
      assert.equal(
        d.metadata!.resourceVersion,
        before.get(d.metadata!.name!),
        `${d.metadata!.name} not re-applied`,
      );
    }
  });

  it('keeps repairing while the server is down, and the status and events catch up when it returns', async () => {
    const port = server.port;
    await server.kill();
    await core.deleteNamespacedConfigMap({ name: 'settings', namespace: 'retail' });
    await eventually(async () => {
      await core.readNamespacedConfigMap({ name: 'settings', namespace: 'retail' });
    }, 20_000);
    server = await startServerProcess({ dataDir, port, logFile: join(dataDir, 'server.log') });
    a = api(server.url, server.adminKey);
    await waitForCluster(
      a,
      name,
      'Running again',
      (x) => x?.status.phase === 'Running' && x.status.agent?.connected === true,
      60_000,
    );
    await eventually(
      async () =>
        assert.ok(
          (await events()).some(
            (e) => e.reason === 'DriftDetected' && e.message.includes('settings is missing'),
          ),
          'the offline drift reached the server as an event',
        ),
      30_000,
    );
  });
});
