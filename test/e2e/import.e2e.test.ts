/**
 * Import (issue 7) through the whole platform, on a sandbox cluster made directly with the runtime (not through
 * Strata) and populated directly: two Helm charts built by the test installed with custom values (one upgraded once),
 * plain manifests applied with kubectl, and a CRD with a custom resource.
 *  1. unusable kubeconfigs are refused with the reason, nothing registered;
 *  2. registered read-only: the server runs a read-only agent; discovery reports both releases with their values;
 *     nothing in the cluster changes (every object's resourceVersion);
 *  3. the profile generated from the discovery — with the plain manifests, the CRD and the custom resource selected
 *     as manifest layers, read through the agent and cleaned — validates and is published; the plan of the adoption
 *     (import.mode full + the profile) shows zero changes, from the agent's preview;
 *  4. adopted: the agent restarts in full mode, every layer is Applied, no resourceVersion changed and no Helm release
 *     revision increased;
 *  5. drift edits (on a release's object and on a selected plain object) are detected and remediated like on any
 *     cluster;
 *  6. detaching stops the agent and leaves every workload in place.
 * The steps build on each other in order.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AdoptionPreview, ClusterDiscovery, ClusterPlan } from '@strata/api';
import { requireSandboxBinaries, useSandboxCluster } from '@strata/testing';
import { serveChartRepo, type ChartRepo } from '../../packages/agent/src/test/chart-repo.js';
import { WIDGET_CRD } from '../../packages/agent/src/test/stack.js';
import {
  changedObjects,
  releaseRevision,
  settledResourceVersions,
} from '../../packages/agent/src/test/import-helpers.js';
import { api, type Api } from './support/api.js';
import { PROJECT, waitForCluster, type ClusterView } from './support/clusters.js';
import {
  importedCluster,
  refusedKubeconfigs,
  seedCluster,
  type SeededCluster,
} from './support/import-seed.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';
import { eventually, processesMentioning } from './sandbox-support.js';

await requireSandboxBinaries();

const API_VALUES = { greeting: 'yo', replicaCount: 1 };
const WIDGET = {
  apiVersion: 'demo.strata.dev/v1',
  kind: 'Widget',
  metadata: { name: 'w1', namespace: 'shop' },
  spec: { size: 3, color: 'green' },
};

/** Plain objects the test seeded with kubectl, selected for the generated profile. */
const SELECTED = [
  { kind: 'Namespace', name: 'shop' },
  { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'settings' },
  { kind: 'Deployment', namespace: 'shop', name: 'web' },
  { kind: 'Service', namespace: 'shop', name: 'web' },
  { kind: 'CustomResourceDefinition', name: 'widgets.demo.strata.dev' },
  { apiVersion: 'demo.strata.dev/v1', kind: 'Widget', namespace: 'shop', name: 'w1' },
];

type ImportedView = ClusterView & {
  status: ClusterView['status'] & {
    discovery?: ClusterDiscovery;
    layers?: { profile: string; name: string; state: string; message?: string }[];
  };
};

describe('import a cluster Strata did not build, then adopt it without disruption', () => {
  const fx = useSandboxCluster({ name: 'imp-src', workers: 1 });
  let server: ServerProcess;
  let a: Api;
  let dataDir: string;
  let seed: SeededCluster;
  let apiRepo: ChartRepo;
  /** Every object's resourceVersion right after seeding (nothing Strata does may change one). */
  let seeded: Map<string, string>;
  const name = 'legacy';
  const agentDir = () => join(dataDir, 'imported');
  /** The proposed adoption: import.mode full with the generated profile attached. */
  const adoption = () => ({
    metadata: { name },
    spec: {
      provider: 'imported',
      nodePools: [],
      import: { mode: 'full' },
      profiles: [{ name: 'legacy-imported', version: '1.0.0' }],
    },
  });
  const agentArgs = async () =>
    Promise.all(
      (await processesMentioning(agentDir())).map(async (pid) =>
        (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0'),
      ),
    );
  const packSource = async (source: string, url: string) => {
    await a.ok('POST', '/v1/packsources', {
      metadata: { name: source },
      spec: { type: 'helm', url, interval: '10m' },
    });
    await eventually(async () => {
      const s = (await a.ok('GET', `/v1/packsources/${source}`)).status as {
        conditions?: { type: string; status: string }[];
      };
      return s.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
    }, 60_000);
  };

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'strata-import-'));
    // Seed: release web (chart greeter 0.4.0, custom values) and the shop manifests; then release api of a second
    // chart, an upgrade of web (revision 2), and a CRD with a custom resource, all directly.
    seed = await seedCluster(fx, { dir: dataDir });
    apiRepo = await serveChartRepo(fx.bin('helm'), join(dataDir, 'charts-api'), '0.3.0', 'hello');
    await seed.helm(
      'install',
      'api',
      'hello',
      '--repo',
      apiRepo.url,
      '--version',
      '0.3.0',
      '-n',
      'api',
      '--create-namespace',
      '--set',
      'greeting=yo,replicaCount=1',
    );
    const values = join(dataDir, 'web-values.json');
    await writeFile(values, JSON.stringify(seed.release.values));
    await seed.helm(
      'upgrade',
      'web',
      seed.release.chart,
      '--repo',
      seed.repo.url,
      '--version',
      seed.release.version,
      '-n',
      'web',
      '-f',
      values,
    );
    const file = join(dataDir, 'crd.json');
    await writeFile(file, JSON.stringify(WIDGET_CRD));
    await seed.kubectl('apply', '--server-side', '-f', file);
    await seed.kubectl('wait', '--for=condition=Established', 'crd/widgets.demo.strata.dev');
    await writeFile(file, JSON.stringify(WIDGET));
    await seed.kubectl('apply', '--server-side', '-f', file);
    for (const ns of ['web', 'api'])
      await seed.kubectl('rollout', 'status', `deployment/${ns}`, '-n', ns, '--timeout=60s');
    seeded = await settledResourceVersions(fx);

    server = await startServerProcess({ dataDir, logFile: join(dataDir, 'server.log') });
    a = api(server.url, server.adminKey);
    // The charts' repositories as pack sources: the generated profile then describes each release as a chart layer.
    await packSource('web-charts', seed.repo.url);
    await packSource('api-charts', apiRepo.url);
  });
  after(async () => {
    await server?.stop();
    for (const pid of await processesMentioning(dataDir)) process.kill(pid, 'SIGKILL');
    await seed?.stop();
    await apiRepo?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('refuses unusable kubeconfigs with the reason, and registers nothing', async () => {
    const key = String((/client-key-data: (\S+)/.exec(fx.kubeconfig) ?? [])[1]).slice(0, 40);
    for (const [what, kubeconfig, message] of await refusedKubeconfigs(fx.kubeconfig)) {
      const res = await a.call('POST', `${PROJECT}/clusters`, importedCluster('bad', kubeconfig));
      assert.equal(res.status, 422, `${what}: ${res.text}`);
      assert.match(res.text, message, what);
      assert.ok(!res.text.includes(key), `${what}: the kubeconfig's secrets are not echoed back`);
    }
    assert.deepEqual((await a.ok('GET', `${PROJECT}/clusters`)).items, []);
  });

  it('registers read-only: a read-only agent discovers both releases; the kubeconfig is write-only; nothing changes', async () => {
    await a.ok('POST', `${PROJECT}/clusters`, importedCluster(name, fx.kubeconfig));
    const c = (await waitForCluster(
      a,
      name,
      'Running with the agent connected and a discovery report',
      (x) =>
        x?.status.phase === 'Running' &&
        x.status.agent?.connected === true &&
        ((x as ImportedView).status.discovery?.helmReleases.length ?? 0) >= 2,
      120_000,
    )) as ImportedView;
    assert.equal((c.spec as { kubeconfig?: string }).kubeconfig, undefined, 'never returned');
    assert.equal(c.status.endpoint, fx.cluster.server);
    const raw = await readFile(join(dataDir, 'strata.db'));
    assert.ok(!raw.includes(Buffer.from('client-key-data')), 'the kubeconfig is encrypted at rest');
    assert.deepEqual(
      c.status.discovery!.helmReleases.map((r) => [
        r.namespace,
        r.name,
        r.chart,
        r.version,
        r.revision,
        r.values,
      ]),
      [
        ['api', 'api', 'hello', '0.3.0', 1, API_VALUES],
        ['web', 'web', seed.release.chart, seed.release.version, 2, seed.release.values],
      ],
    );
    assert.deepEqual(
      (await agentArgs()).map((args) => args[args.indexOf('--mode') + 1]),
      ['read-only'],
    );
    const now = await settledResourceVersions(fx);
    assert.deepEqual(changedObjects(seeded, now), []);
    assert.deepEqual(
      [...now.keys()].filter((k) => !seeded.has(k)),
      [],
      'read-only writes nothing, not even its state',
    );
  });

  it('generates a profile with the selected plain objects that validates; published, its adoption plans zero changes', async () => {
    const generated = await a.call('POST', `${PROJECT}/clusters/${name}/generate-profile`, {
      name: 'legacy-imported',
      version: '1.0.0',
      // The plain manifests, the CRD and its custom resource (apiVersion may be left out: the kind is unambiguous).
      objects: SELECTED,
    });
    assert.equal(generated.status, 201, generated.text);
    const body = generated.body as {
      profile: { spec: { layers: { name?: string; chart?: unknown; manifest?: string }[] } };
      matched: { item: string; layer: string }[];
      unmatched: { item: string; reason: string }[];
    };
    const layers = body.profile.spec.layers;
    assert.deepEqual(
      layers.filter((l) => l.chart).map((l) => l.name),
      ['api', 'web'],
      'one chart layer per release',
    );
    const manifests = new Map(
      layers.filter((l) => l.manifest !== undefined).map((l) => [l.name ?? '', l.manifest ?? '']),
    );
    assert.deepEqual([...manifests.keys()], ['cluster-objects', 'objects-shop'], 'one layer per namespace');
    assert.deepEqual(
      body.matched
        .filter((m) => m.layer.endsWith('objects') || m.layer.startsWith('objects-'))
        .sort((x, y) => x.layer.localeCompare(y.layer) || x.item.localeCompare(y.item)),
      [
        { item: 'CustomResourceDefinition widgets.demo.strata.dev', layer: 'cluster-objects' },
        { item: 'Namespace shop', layer: 'cluster-objects' },
        { item: 'ConfigMap shop/settings', layer: 'objects-shop' },
        { item: 'Deployment shop/web', layer: 'objects-shop' },
        { item: 'Service shop/web', layer: 'objects-shop' },
        { item: 'Widget shop/w1', layer: 'objects-shop' },
      ],
    );
    for (const [layer, text] of manifests)
      for (const serverSet of [
        'uid:',
        'resourceVersion:',
        'managedFields:',
        'creationTimestamp:',
        'clusterIP:',
      ])
        assert.ok(!text.includes(serverSet), `${layer}: ${serverSet} is cleaned out`);
    assert.ok(
      !body.unmatched.some((u) => /shop|widget/i.test(u.item)),
      `every selected object was read: ${JSON.stringify(body.unmatched)}`,
    );
    const resolved = await a.ok(
      'POST',
      `${PROJECT}/clusterprofiles/legacy-imported/versions/1.0.0/resolve`,
      {},
    );
    assert.deepEqual(
      (resolved.layers as { name: string; helm?: { values: unknown } }[])
        .filter((l) => l.helm)
        .map((l) => [l.name, l.helm!.values]),
      [
        ['api', API_VALUES],
        ['web', seed.release.values],
      ],
      'the profile validates and resolves to exactly the releases’ values',
    );
    await a.ok('POST', `${PROJECT}/clusterprofiles/legacy-imported/versions/1.0.0/publish`);

    const started = Date.now();
    const { plan } = (await a.ok('POST', `${PROJECT}/clusters/${name}/plan`, adoption())) as unknown as {
      plan: ClusterPlan;
    };
    assert.equal(plan.adoptionUnavailable, undefined, plan.adoptionUnavailable);
    const preview = plan.adoption as AdoptionPreview;
    console.log(`# adoption preview in ${Date.now() - started} ms`);
    assert.equal(preview.noChanges, true, JSON.stringify(preview, null, 1));
    assert.equal(preview.dryRun, false, 'the read-only agent compared field by field');
    assert.deepEqual(
      preview.layers.filter((l) => l.release).map((l) => [l.name, l.release?.action, l.release?.revision]),
      [
        ['api', 'adopt', 1],
        ['web', 'adopt', 2],
      ],
    );
    const compared = Object.fromEntries(preview.layers.map((l) => [l.name, l.objects.length]));
    assert.deepEqual(Object.keys(compared).sort(), ['api', 'cluster-objects', 'objects-shop', 'web']);
    assert.ok(
      compared.api! >= 3 && compared.web! >= 3,
      `the releases' objects are compared: ${JSON.stringify(compared)}`,
    );
    assert.equal(compared['cluster-objects'], 2, 'the CRD and the Namespace');
    assert.equal(compared['objects-shop'], 4, 'the ConfigMap, Deployment, Service and Widget');
    for (const l of preview.layers)
      assert.ok(
        l.objects.every((o) => o.action === 'adopt'),
        JSON.stringify(l.objects),
      );
  });

  it('adopts in full mode: every layer Applied, no resourceVersion changed, no Helm revision increased', async () => {
    const before = await settledResourceVersions(fx);
    await a.ok('PUT', `${PROJECT}/clusters/${name}`, adoption());
    await eventually(
      async () => (await agentArgs()).map((args) => args[args.indexOf('--mode') + 1]).join() === 'full',
      60_000,
    );
    const applied = (await waitForCluster(
      a,
      name,
      'every layer Applied in full mode',
      (x) =>
        x?.status.phase === 'Running' &&
        x.status.reportedRevision === x.status.desired?.revision &&
        (x.status.layers ?? []).length === 4 &&
        (x.status.layers ?? []).every((l) => l.state === 'Applied'),
      120_000,
    )) as ImportedView;
    assert.deepEqual(applied.status.layers!.map((l) => l.name).sort(), [
      'api',
      'cluster-objects',
      'objects-shop',
      'web',
    ]);
    const after = await settledResourceVersions(fx);
    assert.deepEqual(changedObjects(before, after), [], 'no object changed');
    const added = [...after.keys()].filter((k) => !before.has(k));
    assert.ok(
      added.every((k) => k.includes(' strata-system/') || k === 'Namespace strata-system'),
      `only the agent's own objects are new: ${added.join(', ')}`,
    );
    assert.equal(await releaseRevision(seed.helm, 'web', 'web'), 2);
    assert.equal(await releaseRevision(seed.helm, 'api', 'api'), 1);
  });

  it('detects drift edits on adopted objects (of a release, of a selected object) and remediates them', async () => {
    await seed.kubectl(
      'patch',
      'configmap',
      'api-settings',
      '-n',
      'api',
      '--type=merge',
      '-p',
      '{"data":{"greeting":"edited"}}',
    );
    await seed.kubectl(
      'patch',
      'configmap',
      'settings',
      '-n',
      'shop',
      '--type=merge',
      '-p',
      '{"data":{"color":"red"}}',
    );
    const events = async () =>
      (
        (await a.ok('GET', `${PROJECT}/clusters/${name}/events`)).items as {
          spec: { reason: string; message: string };
        }[]
      ).map((e) => e.spec);
    await eventually(async () => {
      const all = await events();
      const detected = all.filter((e) => e.reason === 'DriftDetected').map((e) => e.message);
      assert.ok(
        detected.some((m) => /layer api: ConfigMap api\/api-settings \/data\/greeting/.test(m)),
        detected.join('; '),
      );
      assert.ok(
        detected.some((m) => /layer objects-shop: ConfigMap shop\/settings \/data\/color/.test(m)),
        detected.join('; '),
      );
      assert.ok(all.some((e) => e.reason === 'DriftRemediated'));
    }, 60_000);
    await eventually(async () => {
      const data = JSON.parse(
        await seed.kubectl('get', 'configmap', 'settings', '-n', 'shop', '-o', 'json'),
      ) as {
        data: { color: string };
      };
      assert.equal(data.data.color, 'blue');
    }, 30_000);
    await eventually(async () => {
      const data = JSON.parse(
        await seed.kubectl('get', 'configmap', 'api-settings', '-n', 'api', '-o', 'json'),
      ) as { data: { greeting: string } };
      assert.equal(data.data.greeting, 'yo');
    }, 30_000);
    await waitForCluster(
      a,
      name,
      'Applied again',
      (x) => (x?.status.layers ?? []).every((l) => l.state === 'Applied'),
      60_000,
    );
  });

  it('detaches without touching the workloads: the agent stops, every release and object stays', async () => {
    assert.equal((await processesMentioning(agentDir())).length, 1, 'one agent runs');
    await a.ok('DELETE', `${PROJECT}/clusters/${name}`);
    await waitForCluster(a, name, 'gone', (x) => x === undefined, 60_000);
    assert.deepEqual(await processesMentioning(agentDir()), []);
    for (const [kind, ns, object] of [
      ['deployment', 'shop', 'web'],
      ['configmap', 'shop', 'settings'],
      ['deployment', 'web', 'web'],
      ['deployment', 'api', 'api'],
      ['widget', 'shop', 'w1'],
      ['crd', '', 'widgets.demo.strata.dev'],
    ] as const)
      assert.ok(
        await seed.kubectl('get', kind, object, ...(ns ? ['-n', ns] : []), '-o', 'name'),
        `${kind} ${ns}/${object} is still there`,
      );
    assert.equal(
      (JSON.parse(await seed.helm('list', '-A', '-o', 'json')) as unknown[]).length,
      2,
      'both Helm releases stay installed',
    );
  });
});
