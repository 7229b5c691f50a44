/**
 * strata-agent applying stacks on a real sandbox cluster (one cluster for the suite), talking to an in-test
 * implementation of the agent protocol: a 6-layer stack in order, an upgrade that changes values and removes an
 * object and a layer (garbage collection that never touches what the agent did not create), a layer that never
 * becomes ready, and a field-manager conflict. The tests build on each other in order.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonObject } from '@strata/core';
import {
  desiredMessage,
  kubectl,
  kubectlGet,
  kubectlJson,
  meta,
  run,
  stackLayer,
  waitFor,
} from './test/cluster-helpers.js';
import { appLayer, crdLayer, deployment, helmLayer, infoLayers } from './test/stack.js';
import { layerState, useAgentWorld } from './test/agent-world.js';

describe('strata-agent applies stacks', () => {
  const w = useAgentWorld();

  it('applies a 6-layer stack in order: info layers, a CRD with its custom resource, a Helm chart, apps', async (t) => {
    const started = Date.now();
    const done = await w.install();
    const keys = w.stack.map((l) => `base.${l.name as string}`);
    assert.deepEqual(
      done.layers.map((l) => `${l.profile}.${l.name}`),
      keys,
    );
    assert.equal(done.health, 'Healthy');
    assert.deepEqual(done.nodes, { total: 3, ready: 3 });
    assert.match(done.kubernetesVersion ?? '', /^v1\.\d+/);

    // In order: no layer started Applying before the previous one was Applied.
    const seen = w.server.reports.filter((r) => r.revision === 1);
    for (let i = 1; i < keys.length; i++) {
      const firstApplying = seen.findIndex((r) =>
        ['Applying', 'Applied'].includes(layerState(r, keys[i]!)?.state ?? ''),
      );
      const prevApplied = seen.findIndex((r) => layerState(r, keys[i - 1]!)?.state === 'Applied');
      assert.ok(
        prevApplied >= 0 && prevApplied <= firstApplying,
        `${keys[i]} started before ${keys[i - 1]} was Applied`,
      );
    }

    // What is in the cluster: labelled objects, the custom resource, a ready Deployment, the release, the inventory.
    const widget = await kubectlJson(w.fx, 'get', 'widget', 'w1', '-n', 'demo');
    assert.equal((meta(widget).labels as JsonObject)['app.kubernetes.io/managed-by'], 'strata');
    assert.equal((meta(widget).labels as JsonObject)['strata.dev/layer'], 'base.widgets');
    assert.equal((meta(widget).annotations as JsonObject)['strata.dev/origin'], 'created');
    const web = await kubectlJson(w.fx, 'get', 'deployment', 'shop-web', '-n', 'shop');
    assert.equal((web.status as JsonObject).availableReplicas, 2);
    const adopted = await kubectlJson(w.fx, 'get', 'configmap', 'preexisting', '-n', 'default');
    assert.equal((meta(adopted).annotations as JsonObject)['strata.dev/origin'], 'adopted');
    const release = JSON.parse(
      await run(w.fx.bin('helm'), [
        '--kubeconfig',
        w.fx.kubeconfigPath,
        'status',
        'hello',
        '-n',
        'hello',
        '-o',
        'json',
      ]),
    ) as JsonObject;
    assert.equal((release.info as JsonObject).status, 'deployed');
    const hello = await kubectlJson(w.fx, 'get', 'deployment', 'hello', '-n', 'hello');
    assert.equal((hello.spec as JsonObject).replicas, 2);
    const inventory = await kubectlJson(
      w.fx,
      'get',
      'configmaps',
      '-n',
      'strata-system',
      '-l',
      'strata.dev/inventory=layer',
    );
    assert.equal((inventory.items as JsonObject[]).length, 6);
    assert.ok(await kubectlGet(w.fx, 'secret', 'strata-desired-state', '-n', 'strata-system'));
    t.diagnostic(`6 layers Applied in ${Date.now() - started} ms`);
  });

  it('upgrades: changed values update, a removed object and a removed layer are deleted, nothing else is touched', async () => {
    // A look-alike the agent did not create: labelled as if it belonged to base.extra, but not in its inventory.
    await kubectl(w.fx, 'create', 'configmap', 'forged', '-n', 'shop');
    await kubectl(
      w.fx,
      'label',
      'configmap',
      'forged',
      '-n',
      'shop',
      'app.kubernetes.io/managed-by=strata',
      'strata.dev/layer=base.extra',
    );
    await kubectl(
      w.fx,
      'annotate',
      'configmap',
      'forged',
      '-n',
      'shop',
      'strata.dev/layer=base.extra',
      'strata.dev/origin=created',
    );
    const widgetRv = meta(await kubectlJson(w.fx, 'get', 'widget', 'w1', '-n', 'demo')).resourceVersion;
    const crdRv = meta(await kubectlJson(w.fx, 'get', 'crd', 'widgets.demo.strata.dev')).resourceVersion;
    assert.ok(await kubectlGet(w.fx, 'configmap', 'extra', '-n', 'shop'));

    const upgraded = [
      ...infoLayers(),
      crdLayer(),
      helmLayer(w.repo.url, { replicaCount: 3, greeting: 'hello' }),
      appLayer({ color: 'green', withPreexisting: false }),
    ];
    const done = await w.publishAndSettle(upgraded);
    assert.deepEqual(
      done.layers.map((l) => l.name),
      ['ubuntu', 'kubernetes', 'widgets', 'hello', 'shop'],
    );

    await waitFor(
      async () => !(await kubectlGet(w.fx, 'configmap', 'extra', '-n', 'shop')),
      "the removed layer's ConfigMap to go",
    );
    assert.equal(
      await kubectlGet(w.fx, 'configmap', 'strata-layer.base.extra', '-n', 'strata-system'),
      undefined,
    );
    assert.equal(
      ((await kubectlJson(w.fx, 'get', 'configmap', 'shop-config', '-n', 'shop')).data as JsonObject).color,
      'green',
    );
    assert.equal(
      ((await kubectlJson(w.fx, 'get', 'deployment', 'hello', '-n', 'hello')).spec as JsonObject).replicas,
      3,
    );
    // Untouched layer: same resourceVersions.
    assert.equal(
      meta(await kubectlJson(w.fx, 'get', 'widget', 'w1', '-n', 'demo')).resourceVersion,
      widgetRv,
    );
    assert.equal(
      meta(await kubectlJson(w.fx, 'get', 'crd', 'widgets.demo.strata.dev')).resourceVersion,
      crdRv,
    );
    // Never delete what it did not create: the adopted object is handed back, the look-alike stays.
    const preexisting = await kubectlJson(w.fx, 'get', 'configmap', 'preexisting', '-n', 'default');
    assert.equal(
      (meta(preexisting).labels as JsonObject | undefined)?.['app.kubernetes.io/managed-by'],
      undefined,
    );
    assert.equal((meta(preexisting).annotations as JsonObject | undefined)?.['strata.dev/origin'], undefined);
    assert.equal((preexisting.data as JsonObject).owner, 'someone');
    assert.ok(await kubectlGet(w.fx, 'configmap', 'forged', '-n', 'shop'));
  });

  it('fails a layer that never becomes ready after its timeout, keeps later layers Pending, and resumes when fixed', async () => {
    // A short layer timeout; the restart itself re-applies nothing.
    await w.agent?.stop();
    w.agent = await w.startAgent({ layerTimeoutMs: 10_000 });
    const never = (fixed: boolean): JsonObject =>
      stackLayer('base', 'never-ready', {
        manifests: [
          deployment(
            'never',
            'shop',
            1,
            fixed ? {} : { nodeSelector: { 'strata.dev/no-such-node': 'true' } },
          ),
        ],
      });
    const later = stackLayer('base', 'later', {
      manifests: [
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'later', namespace: 'shop' },
          data: { x: '1' },
        },
      ],
    });
    const revision = w.server.publish(desiredMessage([...w.stack, never(false), later]));
    const failed = await w.server.waitForReport(
      (r) =>
        r.revision === revision &&
        layerState(r, 'base.never-ready')?.state === 'Failed' &&
        layerState(r, 'base.later')?.message !== undefined,
      40_000,
    );
    assert.match(
      layerState(failed, 'base.never-ready')!.message ?? '',
      /not ready in time: Deployment shop\/never: 0 of 1 replicas available/,
    );
    assert.equal(layerState(failed, 'base.later')?.state, 'Pending');
    assert.match(layerState(failed, 'base.later')?.message ?? '', /waiting for layer base.never-ready/);
    assert.equal(layerState(failed, 'base.shop')?.state, 'Applied');
    assert.equal(await kubectlGet(w.fx, 'configmap', 'later', '-n', 'shop'), undefined);

    await w.publishAndSettle([...w.stack, never(true), later]);
    assert.ok(await kubectlGet(w.fx, 'configmap', 'later', '-n', 'shop'));
  });

  it('reports a conflict with another field manager on an adopted object, naming the field', async () => {
    const conflicting = stackLayer('base', 'conflicting', {
      manifests: [
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'preexisting', namespace: 'default' },
          data: { owner: 'strata' },
        },
      ],
    });
    const revision = w.server.publish(desiredMessage([...w.stack, conflicting]));
    const failed = await w.server.waitForReport(
      (r) => r.revision === revision && layerState(r, 'base.conflicting')?.state === 'Failed',
      30_000,
    );
    assert.match(
      layerState(failed, 'base.conflicting')!.message ?? '',
      /conflict applying ConfigMap default\/preexisting.*\.data\.owner.*kubectl-create/,
    );
    assert.equal(
      ((await kubectlJson(w.fx, 'get', 'configmap', 'preexisting', '-n', 'default')).data as JsonObject)
        .owner,
      'someone',
    );
    await w.publishAndSettle(w.stack);
  });
});
