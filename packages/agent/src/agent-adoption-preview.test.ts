/**
 * Adoption previews (import) on a real sandbox cluster populated directly (a Helm release with custom values,
 * kubectl-applied manifests, a CRD with a custom resource): the agent says what the first apply of a stack would
 * do — adopt what matches, create what is missing, update what differs (with the paths), install or upgrade a
 * release (with the reason) — without writing anything: a read-only agent compares field by field, a full one
 * confirms with dry runs; no object changes, and the agent's own applied state and inventory stay as they were.
 * The tests build on each other in order.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { AdoptionLayerPreview, AdoptionPreview } from '@strata/api';
import type { JsonObject } from '@strata/core';
import { useAgentWorld } from './test/agent-world.js';
import { kubectl, kubectlJson, stackLayer } from './test/cluster-helpers.js';
import { changedObjects, helmIn, releaseRevision, settledResourceVersions } from './test/import-helpers.js';
import { WIDGET_CRD, deployment, infoLayers } from './test/stack.js';

const WEB_VALUES = { replicaCount: 2, greeting: 'hey' };

const settings = (color: string): JsonObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'settings', namespace: 'shop' },
  data: { color, size: 'L' },
});
const SHOP: JsonObject[] = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
  settings('blue'),
  deployment('web', 'shop', 2),
];
const WIDGET: JsonObject = {
  apiVersion: 'demo.strata.dev/v1',
  kind: 'Widget',
  metadata: { name: 'w1', namespace: 'shop' },
  spec: { size: 3, color: 'green' },
};
const GADGET_CRD: JsonObject = {
  ...WIDGET_CRD,
  metadata: { name: 'gadgets.demo.strata.dev' },
  spec: {
    ...(WIDGET_CRD.spec as JsonObject),
    names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget', listKind: 'GadgetList' },
  },
};

/** An ObjectRef-ish summary per layer: `Kind ns/name action [path from→to ...]`. */
function summary(layer: AdoptionLayerPreview | undefined): string[] {
  return (layer?.objects ?? []).map((o) => {
    const where = `${o.object.kind} ${o.object.namespace ? `${o.object.namespace}/` : ''}${o.object.name}`;
    const changes = (o.changes ?? []).map(
      (c) => ` ${c.path} ${JSON.stringify(c.from)}→${JSON.stringify(c.to)}`,
    );
    return `${where} ${o.action}${changes.join('')}`;
  });
}

const layerOf = (p: AdoptionPreview, name: string) => p.layers.find((l) => l.name === name);

describe('adoption preview: what the first apply would do, without writing', () => {
  const w = useAgentWorld();
  let helm: (...args: string[]) => Promise<string>;

  /** Exactly what the cluster holds (what a generated profile would say). */
  const exact = (): JsonObject[] => [
    ...infoLayers(),
    stackLayer('imported', 'widgets', { manifests: [WIDGET_CRD, WIDGET] }),
    stackLayer('imported', 'web', {
      helm: {
        releaseName: 'web',
        namespace: 'web',
        chart: { name: 'hello', version: '0.1.0', repository: w.repo.url },
        values: WEB_VALUES,
      },
    }),
    stackLayer('imported', 'shop', { manifests: SHOP }),
  ];
  /** The same with real differences: a changed value, a missing object, other release values, a new release. */
  const different = (): JsonObject[] => [
    ...infoLayers(),
    stackLayer('imported', 'widgets', {
      manifests: [
        WIDGET_CRD,
        WIDGET,
        GADGET_CRD,
        { apiVersion: 'demo.strata.dev/v1', kind: 'Gadget', metadata: { name: 'g1', namespace: 'shop' } },
      ],
    }),
    stackLayer('imported', 'web', {
      helm: {
        releaseName: 'web',
        namespace: 'web',
        chart: { name: 'hello', version: '0.1.0', repository: w.repo.url },
        values: { ...WEB_VALUES, replicaCount: 3 },
      },
    }),
    stackLayer('imported', 'extra', {
      helm: {
        releaseName: 'extra',
        namespace: 'extra',
        chart: { name: 'hello', version: '0.1.0', repository: w.repo.url },
        values: {},
      },
    }),
    stackLayer('imported', 'shop', {
      manifests: [
        ...SHOP.slice(0, 1),
        settings('green'),
        SHOP[2]!,
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'new-one', namespace: 'shop' } },
      ],
    }),
  ];

  const preview = async (layers: JsonObject[]): Promise<AdoptionPreview> => {
    const answer = await w.server.requestPreview(layers);
    assert.equal(answer.error, undefined, answer.error);
    return answer.preview!;
  };

  const assertExact = (p: AdoptionPreview) => {
    assert.equal(p.noChanges, true, JSON.stringify(p, null, 1));
    assert.deepEqual(
      p.layers.map((l) => l.name),
      ['ubuntu', 'kubernetes', 'widgets', 'web', 'shop'],
    );
    assert.match(layerOf(p, 'ubuntu')!.note ?? '', /os layer: informational, nothing is applied/);
    assert.deepEqual(summary(layerOf(p, 'widgets')), [
      'CustomResourceDefinition widgets.demo.strata.dev adopt',
      'Widget shop/w1 adopt',
    ]);
    assert.deepEqual(layerOf(p, 'web')!.release, {
      name: 'web',
      namespace: 'web',
      action: 'adopt',
      revision: 2,
    });
    assert.deepEqual(summary(layerOf(p, 'web')), [
      'ConfigMap web/web-settings adopt',
      'Service web/web adopt',
      'Deployment web/web adopt',
    ]);
    assert.deepEqual(summary(layerOf(p, 'shop')), [
      'Namespace shop adopt',
      'ConfigMap shop/settings adopt',
      'Deployment shop/web adopt',
    ]);
  };

  const assertDifferent = (p: AdoptionPreview) => {
    assert.equal(p.noChanges, false);
    assert.deepEqual(summary(layerOf(p, 'widgets')), [
      'CustomResourceDefinition widgets.demo.strata.dev adopt',
      'Widget shop/w1 adopt',
      'CustomResourceDefinition gadgets.demo.strata.dev create',
      'Gadget shop/g1 create',
    ]);
    const web = layerOf(p, 'web')!;
    assert.deepEqual(web.objects, [], 'a release to upgrade is not rendered');
    assert.equal(web.release?.action, 'upgrade');
    assert.equal(web.release?.revision, 2);
    assert.equal(web.release?.reason, 'values differ at /replicaCount');
    assert.deepEqual(layerOf(p, 'extra')!.release, {
      name: 'extra',
      namespace: 'extra',
      action: 'install',
      reason: 'no release extra in namespace extra',
    });
    assert.deepEqual(summary(layerOf(p, 'shop')), [
      'Namespace shop adopt',
      'ConfigMap shop/settings update /data/color "blue"→"green"',
      'Deployment shop/web adopt',
      'ConfigMap shop/new-one create',
    ]);
  };

  it('read-only: compares field by field and writes nothing at all', async (t) => {
    helm = helmIn(w.fx, join(w.dir, 'helm-user'));
    const values = join(w.dir, 'web-values.json');
    await writeFile(values, JSON.stringify(WEB_VALUES));
    const chart = ['hello', '--repo', w.repo.url, '--version', '0.1.0', '-n', 'web', '-f', values];
    await helm('install', 'web', ...chart, '--create-namespace');
    await helm('upgrade', 'web', ...chart);
    const file = join(w.dir, 'seed.yaml');
    await writeFile(file, SHOP.map((o) => JSON.stringify(o)).join('\n---\n'));
    await kubectl(w.fx, 'apply', '-f', file);
    await writeFile(file, JSON.stringify(WIDGET_CRD));
    await kubectl(w.fx, 'apply', '--server-side', '-f', file);
    await kubectl(w.fx, 'wait', '--for=condition=Established', 'crd/widgets.demo.strata.dev');
    await writeFile(file, JSON.stringify(WIDGET));
    await kubectl(w.fx, 'apply', '--server-side', '-f', file);
    for (const ns of ['web', 'shop'])
      await kubectl(w.fx, 'rollout', 'status', 'deployment/web', '-n', ns, '--timeout=60s');
    const before = await settledResourceVersions(w.fx);
    const managedFields = JSON.stringify(
      (await kubectlJson(w.fx, 'get', 'configmap', 'settings', '-n', 'shop', '--show-managed-fields'))
        .metadata,
    );

    w.agent = await w.startAgent({ mode: 'read-only' });
    const started = Date.now();
    const same = await preview(exact());
    t.diagnostic(`read-only preview of ${same.layers.length} layers in ${Date.now() - started} ms`);
    assert.equal(same.dryRun, false, 'a read-only agent sends no dry run');
    assertExact(same);
    const other = await preview(different());
    assert.equal(other.dryRun, false);
    assertDifferent(other);
    assert.equal(w.agent.revision, 0, 'a preview is not a desired state');
    await w.agent.stop();
    w.agent = undefined;

    const after = await settledResourceVersions(w.fx);
    assert.deepEqual(changedObjects(before, after), []);
    assert.deepEqual(
      [...after.keys()].filter((k) => !before.has(k)),
      [],
      'nothing created',
    );
    assert.equal(
      JSON.stringify(
        (await kubectlJson(w.fx, 'get', 'configmap', 'settings', '-n', 'shop', '--show-managed-fields'))
          .metadata,
      ),
      managedFields,
      'no field manager added',
    );
  });

  it('read-only: reads the objects the server asks for (never Secrets), saying why for the others', async () => {
    const before = await settledResourceVersions(w.fx);
    await kubectl(w.fx, 'create', 'secret', 'generic', 'db', '-n', 'shop', '--from-literal=password=hunter2');
    w.agent = await w.startAgent({ mode: 'read-only' });
    const asked = [
      { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'settings' },
      { apiVersion: 'demo.strata.dev/v1', kind: 'Widget', namespace: 'shop', name: 'w1' },
      { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'not-there' },
      { apiVersion: 'v1', kind: 'Secret', namespace: 'shop', name: 'db' },
      { apiVersion: 'nothing.example.com/v1', kind: 'Unknown', namespace: 'shop', name: 'x' },
    ];
    const answer = await w.server.requestRead(asked);
    await w.agent.stop();
    w.agent = undefined;
    assert.equal(answer.error, undefined, answer.error);
    const read = answer.read!;
    assert.deepEqual(
      read.objects.map((o) => `${String(o.kind)} ${(o.metadata as { name: string }).name}`),
      ['ConfigMap settings', 'Widget w1'],
    );
    assert.deepEqual((read.objects[0] as JsonObject).data, { color: 'blue', size: 'L' });
    assert.ok(
      (read.objects[1] as { metadata: { resourceVersion?: string } }).metadata.resourceVersion,
      'as stored',
    );
    assert.deepEqual(
      read.missing.map((m) => m.object.name),
      ['not-there', 'db', 'x'],
    );
    assert.match(read.missing[0]!.reason, /not found in the cluster/);
    assert.match(read.missing[1]!.reason, /Secrets are not copied into profiles/);
    assert.match(read.missing[2]!.reason, /cannot be read: .*Unknown/);
    assert.ok(!JSON.stringify(answer).includes('hunter2'));
    await kubectl(w.fx, 'delete', 'secret', 'db', '-n', 'shop');
    const after = await settledResourceVersions(w.fx);
    assert.deepEqual(changedObjects(before, after), [], 'reading changes nothing');
  });

  it('full mode: confirms with dry runs, which persist nothing; the adoption then changes nothing', async () => {
    const before = await settledResourceVersions(w.fx);
    w.agent = await w.startAgent();
    const same = await preview(exact());
    assert.equal(same.dryRun, true);
    assertExact(same);
    assertDifferent(await preview(different()));
    const previewed = await settledResourceVersions(w.fx);
    assert.deepEqual(changedObjects(before, previewed), []);
    assert.deepEqual(
      [...previewed.keys()].filter((k) => !before.has(k) && !k.includes('strata-system')),
      [],
    );

    // What the preview promised: the adoption changes no object and adds no Helm revision.
    await w.publishAndSettle(exact());
    assert.deepEqual(changedObjects(before, await settledResourceVersions(w.fx)), []);
    assert.equal(await releaseRevision(helm, 'web', 'web'), 2);
  });

  it('a preview leaves the agent’s applied state and inventory alone', async () => {
    const inventories = async () => {
      const list = await kubectlJson(
        w.fx,
        'get',
        'configmaps',
        '-n',
        'strata-system',
        '-l',
        'strata.dev/inventory',
      );
      const items = list.items as { metadata: { name: string; resourceVersion: string } }[];
      return items.map((o) => `${o.metadata.name}@${o.metadata.resourceVersion}`).sort();
    };
    const agent = w.agent!;
    const inventoryBefore = await inventories();
    const reportBefore = agent.currentReport();
    assert.ok(inventoryBefore.length >= 3, inventoryBefore.join(', '));

    const after = await preview(different());
    assert.equal(after.noChanges, false);
    // The layers adopted just now: an object Strata manages is still compared as the apply would.
    assert.deepEqual(
      summary(layerOf(after, 'shop')).filter((s) => s.includes('update')),
      ['ConfigMap shop/settings update /data/color "blue"→"green"'],
    );
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(await inventories(), inventoryBefore);
    assert.equal(agent.revision, reportBefore.revision);
    assert.deepEqual(
      agent.currentReport().layers.map((l) => [l.name, l.state, l.hash]),
      reportBefore.layers.map((l) => [l.name, l.state, l.hash]),
    );
    assert.equal(
      ((await kubectlJson(w.fx, 'get', 'configmap', 'settings', '-n', 'shop')).data as JsonObject).color,
      'blue',
    );
  });
});
