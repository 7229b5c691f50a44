/**
 * Import (issue 7), agent side, on a real sandbox cluster populated directly — two Helm charts installed with custom
 * values, plain manifests applied with kubectl (client- and server-side), a CRD with a custom resource, and the
 * sandbox CNI/CSI objects — never through Strata:
 *  1. a read-only agent discovers it (version, distribution, node pools, CNI/CSI, both releases with their values,
 *     the workloads) and reports it, and no object of the cluster changed;
 *  2. a full-mode agent given a desired state that describes exactly what is there adopts it without changing a
 *     single object (same resourceVersions) or adding a Helm revision;
 *  3. an adopted object is then under drift detection and remediation like any other;
 *  4. removing the layers leaves every adopted object and release in place.
 * The tests build on each other in order.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { AgentStatusReport, ClusterDiscovery } from '@strata/api';
import { cleanObject, type JsonObject } from '@strata/core';
import { discoverCluster } from './index.js';
import { layerState, repoRoot, useAgentWorld } from './test/agent-world.js';
import { serveChartRepo, type ChartRepo } from './test/chart-repo.js';
import { kubectl, kubectlGet, kubectlJson, meta, stackLayer, waitFor } from './test/cluster-helpers.js';
import {
  changedObjects,
  helmIn,
  releaseRevision,
  renderPackManifests,
  settledResourceVersions,
} from './test/import-helpers.js';
import { WIDGET_CRD, deployment, infoLayers } from './test/stack.js';

const WEB_VALUES = { replicaCount: 2, greeting: 'hey', extra: { tier: 'gold', ports: [80, 443] } };
const API_VALUES = { greeting: 'yo', replicaCount: 1 };

const SHOP: JsonObject[] = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
  {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'settings', namespace: 'shop', labels: { app: 'shop' } },
    data: { color: 'blue', size: 'L' },
  },
  deployment('web', 'shop', 2, {}),
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'shop' },
    spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 80 }] },
  },
];
const WIDGET: JsonObject = {
  apiVersion: 'demo.strata.dev/v1',
  kind: 'Widget',
  metadata: { name: 'w1', namespace: 'shop' },
  spec: { size: 3, color: 'green' },
};

describe('import: discovery and adoption without disruption', () => {
  const w = useAgentWorld();
  let repo2: ChartRepo | undefined;
  let helm: (...args: string[]) => Promise<string>;
  let cni: JsonObject[] = [];
  let csi: JsonObject[] = [];
  let discovery: ClusterDiscovery | undefined;

  const applyFile = async (name: string, objects: JsonObject[], ...flags: string[]) => {
    const file = join(w.dir, name);
    await writeFile(file, objects.map((o) => JSON.stringify(o)).join('\n---\n'));
    await kubectl(w.fx, 'apply', ...flags, '-f', file);
  };

  it('discovers a cluster populated directly, in read-only mode, without changing anything', async (t) => {
    helm = helmIn(w.fx, join(w.dir, 'helm-user'));
    repo2 = await serveChartRepo(w.fx.bin('helm'), join(w.dir, 'charts2'), '0.3.0', 'greeter');
    t.after(() => repo2?.stop());
    const web = join(w.dir, 'web-values.json');
    await writeFile(web, JSON.stringify(WEB_VALUES));
    // Seed: two charts with custom values (web upgraded once: revision 2), plain manifests, a CRD + CR, CNI, CSI.
    await Promise.all([
      helm(
        'install',
        'web',
        'hello',
        '--repo',
        w.repo.url,
        '--version',
        '0.1.0',
        '-n',
        'web',
        '--create-namespace',
        '-f',
        web,
      ),
      helm(
        'install',
        'api',
        'greeter',
        '--repo',
        repo2.url,
        '--version',
        '0.3.0',
        '-n',
        'api',
        '--create-namespace',
        '--set',
        'greeting=yo,replicaCount=1',
      ),
    ]);
    await helm('upgrade', 'web', 'hello', '--repo', w.repo.url, '--version', '0.1.0', '-n', 'web', '-f', web);
    cni = await renderPackManifests(repoRoot, 'sandbox-cni', {
      namespace: 'strata-cni',
      image: 'registry.k8s.io/pause:3.10',
      podCIDR: '10.244.0.0/16',
    });
    csi = await renderPackManifests(repoRoot, 'sandbox-csi', {
      namespace: 'strata-csi',
      image: 'registry.k8s.io/pause:3.10',
      'storageClass.name': 'sandbox',
      'storageClass.default': 'true',
    });
    await applyFile('shop.yaml', SHOP);
    await applyFile('addons.yaml', [...cni, ...csi]);
    await kubectl(w.fx, 'create', 'configmap', 'loose', '-n', 'default', '--from-literal=a=1');
    await applyFile('crd.yaml', [WIDGET_CRD], '--server-side');
    await kubectl(
      w.fx,
      'wait',
      '--for=condition=Established',
      'crd/widgets.demo.strata.dev',
      '--timeout=30s',
    );
    await applyFile('widget.yaml', [WIDGET], '--server-side');
    for (const [ns, name] of [
      ['shop', 'web'],
      ['web', 'web'],
      ['api', 'api'],
    ] as const)
      await kubectl(w.fx, 'rollout', 'status', `deployment/${name}`, '-n', ns, '--timeout=60s');
    await kubectl(
      w.fx,
      'rollout',
      'status',
      'daemonset/sandbox-cni-node',
      '-n',
      'strata-cni',
      '--timeout=60s',
    );
    const before = await settledResourceVersions(w.fx);

    w.agent = await w.startAgent({ mode: 'read-only' });
    const report = await w.server.waitForReport((r) => r.discovery !== undefined, 60_000);
    discovery = report.discovery as ClusterDiscovery;
    const d = discovery;
    t.diagnostic(
      `discovery: ${d.durationMs} ms, ${d.counts.objects} objects, ${d.workloads.length} workloads`,
    );

    assert.match(d.kubernetesVersion, /^v1\.\d+\.\d+/);
    assert.equal(d.distribution.name, 'sandbox');
    assert.deepEqual(d.distribution.evidence, ['3 of 3 nodes: annotation kwok.x-k8s.io/node=fake']);
    assert.deepEqual(
      d.nodePools.map((p) => [p.name, p.controlPlane, p.count, p.ready, p.cpu, p.memory]),
      [
        ['control-plane', true, 1, 1, '8', '32Gi'],
        ['workers', false, 2, 2, '8', '32Gi'],
      ],
    );
    assert.equal(d.nodePools[0]!.labels['strata.dev/node-pool'], 'control-plane');
    assert.equal(d.nodePools[1]!.labels['kubernetes.io/hostname'], undefined);
    assert.deepEqual(d.nodePools[0]!.taints, [
      { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
    ]);
    assert.deepEqual(d.counts.nodes, 3);
    assert.ok(d.counts.objects > 50, `${d.counts.objects} objects examined`);
    assert.ok(d.counts.namespaces >= 9, `${d.counts.namespaces} namespaces`);
    assert.deepEqual(d.cni, [
      {
        name: 'sandbox',
        evidence: 'DaemonSet strata-cni/sandbox-cni-node (image registry.k8s.io/pause:3.10)',
      },
    ]);
    assert.deepEqual(d.csi, {
      drivers: ['csi.sandbox.strata.dev'],
      storageClasses: [{ name: 'sandbox', provisioner: 'csi.sandbox.strata.dev', default: true }],
    });
    assert.deepEqual(d.ingress, []);
    assert.deepEqual(d.helmReleases, [
      {
        name: 'api',
        namespace: 'api',
        chart: 'greeter',
        version: '0.3.0',
        appVersion: '1.0',
        status: 'deployed',
        revision: 1,
        values: API_VALUES,
      },
      {
        name: 'web',
        namespace: 'web',
        chart: 'hello',
        version: '0.1.0',
        appVersion: '1.0',
        status: 'deployed',
        revision: 2,
        values: WEB_VALUES,
      },
    ]);
    const workloads = d.workloads.map(
      (x) => `${x.kind} ${x.namespace ? `${x.namespace}/` : ''}${x.name} ${x.managedBy}`,
    );
    for (const expected of [
      'CustomResourceDefinition widgets.demo.strata.dev kubectl',
      'Namespace shop kubectl-client-side-apply',
      'ConfigMap default/loose kubectl-create',
      'ConfigMap shop/settings kubectl-client-side-apply',
      'Deployment shop/web kubectl-client-side-apply',
      'Service shop/web kubectl-client-side-apply',
      'Widget shop/w1 kubectl',
      'DaemonSet strata-cni/sandbox-cni-node kubectl-client-side-apply',
    ])
      assert.ok(workloads.includes(expected), `${expected} missing from ${workloads.join(', ')}`);
    // Helm's objects, owned objects (ReplicaSets are not even listed), system objects: not workloads.
    for (const x of d.workloads) {
      assert.ok(
        !['web', 'api', 'kube-system', 'kube-public', 'kube-node-lease'].includes(x.namespace ?? ''),
        JSON.stringify(x),
      );
      assert.ok(!(x.kind === 'ConfigMap' && x.name === 'kube-root-ca.crt'), JSON.stringify(x));
      assert.ok(!x.name.startsWith('system:'), JSON.stringify(x));
    }
    assert.ok(d.durationMs < 10_000, `${d.durationMs} ms`);

    // Sent once: later heartbeats do not carry it again.
    const mark = w.server.mark();
    await w.server.waitForReport(() => true, 10_000, mark);
    assert.ok(w.server.reports.slice(mark).every((r) => r.discovery === undefined));
    assert.deepEqual(w.agent.discovery, d);

    // The same without an agent (what a server-side import could call), also read-only.
    const direct = await discoverCluster({ kubeconfigPath: w.fx.kubeconfigPath });
    assert.deepEqual(direct.warnings, []);
    assert.deepEqual(direct.discovery.helmReleases, d.helmReleases);
    assert.deepEqual(direct.discovery.workloads, d.workloads);

    await w.agent.stop();
    w.agent = undefined;
    const after = await settledResourceVersions(w.fx);
    assert.deepEqual(changedObjects(before, after), []);
    assert.deepEqual(
      [...after.keys()].filter((k) => !before.has(k)),
      [],
      'a read-only agent created something',
    );
  });

  it('adopts exactly what is there in full mode: no object changes, no new Helm revision', async (t) => {
    const d = discovery!;
    const repoOf: Record<string, string> = { hello: w.repo.url, greeter: repo2!.url };
    // What a generated profile would hold: one chart layer per release with its values; the manifests as applied
    // (the loose ConfigMap cleaned from the live object, as generateProfile does).
    const loose = cleanObject(
      (await kubectlJson(w.fx, 'get', 'configmap', 'loose', '-n', 'default')) as Parameters<
        typeof cleanObject
      >[0],
    ) as JsonObject;
    const layers = [
      ...infoLayers(),
      stackLayer('imported', 'cni', { manifests: cni }),
      stackLayer('imported', 'csi', { manifests: csi }),
      stackLayer('imported', 'widgets', { manifests: [WIDGET_CRD, WIDGET] }),
      ...d.helmReleases.map((r) =>
        stackLayer('imported', r.name, {
          helm: {
            releaseName: r.name,
            namespace: r.namespace,
            chart: { name: r.chart, version: r.version, repository: repoOf[r.chart]! },
            values: r.values as JsonObject,
          },
        }),
      ),
      stackLayer('imported', 'shop', { manifests: [...SHOP, loose] }),
    ];
    const before = await settledResourceVersions(w.fx);
    const started = Date.now();
    w.agent = await w.startAgent();
    const done = await w.publishAndSettle(layers);
    t.diagnostic(`adopted ${layers.length} layers in ${Date.now() - started} ms`);
    assert.equal(done.health, 'Healthy');

    const after = await settledResourceVersions(w.fx);
    assert.deepEqual(changedObjects(before, after), []);
    // New objects: only the agent's own (namespace, inventory, persisted desired state).
    const added = [...after.keys()].filter((k) => !before.has(k));
    assert.ok(
      added.every((k) => k.includes(' strata-system/') || k === 'Namespace strata-system'),
      added.join(', '),
    );
    assert.equal(await releaseRevision(helm, 'web', 'web'), 2);
    assert.equal(await releaseRevision(helm, 'api', 'api'), 1);
    // Nothing labelled: ownership is recorded in the inventory only.
    const webDeployment = await kubectlJson(w.fx, 'get', 'deployment', 'web', '-n', 'shop');
    assert.equal(
      (meta(webDeployment).labels as JsonObject | undefined)?.['app.kubernetes.io/managed-by'],
      undefined,
    );
    const inventory = await kubectlJson(
      w.fx,
      'get',
      'configmap',
      'strata-layer.imported.shop',
      '-n',
      'strata-system',
    );
    const record = JSON.parse((inventory.data as JsonObject)['inventory.json'] as string) as {
      objects: { kind: string; name: string; origin: string }[];
    };
    assert.equal(record.objects.length, 5);
    assert.ok(record.objects.every((o) => o.origin === 'adopted'));
    const helmRecord = await kubectlJson(
      w.fx,
      'get',
      'configmap',
      'strata-layer.imported.web',
      '-n',
      'strata-system',
    );
    assert.match((helmRecord.data as JsonObject)['inventory.json'] as string, /"origin":"adopted"/);

    // A restart re-applies nothing either.
    await w.agent.stop();
    w.agent = await w.startAgent();
    const mark = w.server.mark();
    await w.server.waitForReport(
      (r) => r.layers.length === layers.length && r.layers.every((l) => l.state === 'Applied'),
      60_000,
      mark,
    );
    assert.deepEqual(changedObjects(before, await settledResourceVersions(w.fx)), []);
  });

  it('keeps adopted objects under drift detection and remediates them', async () => {
    const mark = w.server.mark();
    await kubectl(
      w.fx,
      'patch',
      'configmap',
      'settings',
      '-n',
      'shop',
      '--type=merge',
      '-p',
      '{"data":{"color":"red"}}',
    );
    const drifted = await w.server.waitForReport(
      (r: AgentStatusReport) => layerState(r, 'imported.shop')?.state === 'Drifted',
      30_000,
      mark,
    );
    assert.deepEqual(
      layerState(drifted, 'imported.shop')?.drift?.map((e) => [e.object.name, e.path, e.desired, e.live]),
      [['settings', '/data/color', 'blue', 'red']],
    );
    await w.server.waitForReport(
      (r) => layerState(r, 'imported.shop')?.state === 'Applied',
      30_000,
      mark + 1,
    );
    await waitFor(
      async () =>
        ((await kubectlJson(w.fx, 'get', 'configmap', 'settings', '-n', 'shop')).data as JsonObject).color ===
        'blue',
      'the adopted ConfigMap to be restored',
    );
  });

  it('leaves every adopted object and release in place when its layers are removed', async () => {
    const done = await w.publishAndSettle(infoLayers());
    assert.equal(done.layers.length, 2);
    await waitFor(
      async () => !(await kubectlGet(w.fx, 'configmap', 'strata-layer.imported.shop', '-n', 'strata-system')),
      'the removed layers to be handed back',
    );
    for (const [kind, ns, name] of [
      ['namespace', '', 'shop'],
      ['deployment', 'shop', 'web'],
      ['configmap', 'shop', 'settings'],
      ['configmap', 'default', 'loose'],
      ['widget', 'shop', 'w1'],
      ['crd', '', 'widgets.demo.strata.dev'],
      ['daemonset', 'strata-cni', 'sandbox-cni-node'],
      ['storageclass', '', 'sandbox'],
    ] as const)
      assert.ok(
        await kubectlGet(w.fx, kind, name, ...(ns ? ['-n', ns] : [])),
        `${kind} ${ns}/${name} is gone`,
      );
    assert.equal(await releaseRevision(helm, 'web', 'web'), 2);
    assert.equal(await releaseRevision(helm, 'api', 'api'), 1);
  });
});
