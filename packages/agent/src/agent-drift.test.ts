/**
 * Drift on a real sandbox cluster: a scaled Deployment, an edited field, a deleted object and a Helm release changed
 * behind the agent's back are reported within seconds with structured diffs and repaired; changes to fields Strata
 * does not manage are not drift; policy `report` only reports; read-only mode reports and never writes (with the
 * RBAC of deploy/strata-agent-read-only.yaml). The tests build on each other in order.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import type { JsonObject } from '@strata/core';
import { kubectl, kubectlGet, kubectlJson, meta, waitFor } from './test/cluster-helpers.js';
import { driftOf, layerState, useAgentWorld } from './test/agent-world.js';

describe('strata-agent drift detection and repair', () => {
  const w = useAgentWorld();
  before(async () => {
    await w.install();
  });

  it('reports a scaled Deployment as Drifted with the diff within seconds, and remediates it', async (t) => {
    const mark = w.server.mark();
    const t0 = Date.now();
    await kubectl(w.fx, 'scale', 'deployment', 'shop-web', '-n', 'shop', '--replicas=5');
    const drifted = await w.server.waitForReport(
      (r) => layerState(r, 'base.shop')?.state === 'Drifted',
      10_000,
      mark,
    );
    const latency = Date.now() - t0;
    assert.deepEqual(driftOf(drifted, 'base.shop'), [
      {
        object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'shop-web' },
        path: '/spec/replicas',
        desired: 2,
        live: 5,
      },
    ]);
    assert.equal(drifted.health, 'Degraded');
    await w.server.waitForReport(
      (r) => layerState(r, 'base.shop')?.state === 'Applied',
      20_000,
      w.server.reports.indexOf(drifted) + 1,
    );
    await waitFor(
      async () => (await kubectlJson(w.fx, 'get', 'deployment', 'shop-web', '-n', 'shop')).spec,
      'spec',
    );
    assert.equal(
      ((await kubectlJson(w.fx, 'get', 'deployment', 'shop-web', '-n', 'shop')).spec as JsonObject).replicas,
      2,
    );
    t.diagnostic(`scale → Drifted reported in ${latency} ms`);
  });

  it('reports an edited field and a deleted object, and restores both', async () => {
    let mark = w.server.mark();
    await kubectl(
      w.fx,
      'patch',
      'configmap',
      'shop-config',
      '-n',
      'shop',
      '--type=merge',
      '-p',
      '{"data":{"color":"red"}}',
    );
    const edited = await w.server.waitForReport(
      (r) => driftOf(r, 'base.shop').some((d) => d.path === '/data/color'),
      10_000,
      mark,
    );
    assert.deepEqual(
      driftOf(edited, 'base.shop').find((d) => d.path === '/data/color'),
      {
        object: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'shop-config' },
        path: '/data/color',
        desired: 'blue',
        live: 'red',
      },
    );
    await waitFor(
      async () =>
        ((await kubectlJson(w.fx, 'get', 'configmap', 'shop-config', '-n', 'shop')).data as JsonObject)
          .color === 'blue',
      'color restored',
      20_000,
    );

    mark = w.server.mark();
    await kubectl(w.fx, 'delete', 'widget', 'w1', '-n', 'demo', '--wait=false');
    const deleted = await w.server.waitForReport(
      (r) => driftOf(r, 'base.widgets').some((d) => d.path === ''),
      10_000,
      mark,
    );
    assert.deepEqual(driftOf(deleted, 'base.widgets'), [
      {
        object: { apiVersion: 'demo.strata.dev/v1', kind: 'Widget', namespace: 'demo', name: 'w1' },
        path: '',
      },
    ]);
    await waitFor(() => kubectlGet(w.fx, 'widget', 'w1', '-n', 'demo'), 'the widget re-created', 20_000);
    await w.server.waitForReport(
      (r) => layerState(r, 'base.widgets')?.state === 'Applied',
      20_000,
      w.server.reports.indexOf(deleted) + 1,
    );
  });

  it('does not count changes to fields Strata does not manage as drift', async () => {
    const mark = w.server.mark();
    await kubectl(w.fx, 'annotate', 'deployment', 'shop-web', '-n', 'shop', 'team=payments');
    await kubectl(w.fx, 'label', 'configmap', 'shop-config', '-n', 'shop', 'extra=yes');
    await kubectl(
      w.fx,
      'patch',
      'configmap',
      'shop-config',
      '-n',
      'shop',
      '--type=merge',
      '-p',
      '{"data":{"added":"by-someone"}}',
    );
    await new Promise((r) => setTimeout(r, 3000));
    assert.ok(
      w.server.reports.slice(mark).every((r) => layerState(r, 'base.shop')?.state === 'Applied'),
      'a report showed base.shop not Applied after unmanaged changes',
    );
  });

  it('repairs drift in a Helm release by re-applying its current revision', async () => {
    const mark = w.server.mark();
    await kubectl(w.fx, 'scale', 'deployment', 'hello', '-n', 'hello', '--replicas=4');
    const drifted = await w.server.waitForReport(
      (r) => layerState(r, 'base.hello')?.state === 'Drifted',
      10_000,
      mark,
    );
    assert.deepEqual(driftOf(drifted, 'base.hello'), [
      {
        object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'hello', name: 'hello' },
        path: '/spec/replicas',
        desired: 2,
        live: 4,
      },
    ]);
    await waitFor(
      async () =>
        ((await kubectlJson(w.fx, 'get', 'deployment', 'hello', '-n', 'hello')).spec as JsonObject)
          .replicas === 2,
      'replicas restored',
      30_000,
    );
    await w.server.waitForReport(
      (r) => layerState(r, 'base.hello')?.state === 'Applied',
      20_000,
      w.server.reports.indexOf(drifted) + 1,
    );
  });

  it('with drift policy report, reports drift and leaves it alone', async () => {
    const before = meta(
      await kubectlJson(w.fx, 'get', 'deployment', 'shop-web', '-n', 'shop'),
    ).resourceVersion;
    await w.publishAndSettle(w.stack, { drift: 'report' });
    // Same layer hashes: a new revision alone re-applies nothing.
    assert.equal(
      meta(await kubectlJson(w.fx, 'get', 'deployment', 'shop-web', '-n', 'shop')).resourceVersion,
      before,
    );

    const mark = w.server.mark();
    await kubectl(w.fx, 'scale', 'deployment', 'shop-web', '-n', 'shop', '--replicas=3');
    const drifted = await w.server.waitForReport(
      (r) => layerState(r, 'base.shop')?.state === 'Drifted',
      10_000,
      mark,
    );
    assert.deepEqual(
      driftOf(drifted, 'base.shop').map((d) => [d.path, d.desired, d.live]),
      [['/spec/replicas', 2, 3]],
    );
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(
      ((await kubectlJson(w.fx, 'get', 'deployment', 'shop-web', '-n', 'shop')).spec as JsonObject).replicas,
      3,
    );
    assert.equal(layerState(w.server.reports[w.server.reports.length - 1]!, 'base.shop')?.state, 'Drifted');

    // Someone puts it back by hand: no longer drifted.
    await kubectl(w.fx, 'scale', 'deployment', 'shop-web', '-n', 'shop', '--replicas=2');
    await w.server.waitForReport(
      (r) =>
        r === w.server.reports[w.server.reports.length - 1] &&
        layerState(r, 'base.shop')?.state === 'Applied',
      10_000,
    );
  });

  it('read-only mode reports state and drift and never writes, with only the read-only RBAC of deploy/', async () => {
    await w.agent?.stop();
    w.agent = undefined;
    // The namespace and RBAC of the read-only template (the Deployment is replaced by a local process using the
    // service account's token, the way the container would run).
    const template = await readFile(
      new URL('../deploy/strata-agent-read-only.yaml', import.meta.url),
      'utf8',
    );
    const rendered = template
      .replaceAll('${STRATA_NAMESPACE}', 'strata-ro')
      .replaceAll('${STRATA_SERVER_URL}', w.server.url)
      .replaceAll('${STRATA_AGENT_TOKEN}', 'unused')
      .replaceAll('${STRATA_AGENT_IMAGE}', 'strata-agent:test');
    const rbacFile = join(w.dir, 'read-only-rbac.yaml');
    await writeFile(
      rbacFile,
      rendered
        .split(/\n---\n/)
        .filter((d) => !/\nkind: (Deployment|Secret)\n/.test(`\n${d}`))
        .join('\n---\n'),
    );
    await kubectl(w.fx, 'apply', '-f', rbacFile);
    const sa = 'system:serviceaccount:strata-ro:strata-agent';
    // `kubectl auth can-i` exits 1 for "no".
    const canI = (verb: string, resource: string): Promise<boolean> =>
      kubectl(w.fx, 'auth', 'can-i', verb, resource, '-A', `--as=${sa}`).then(
        () => true,
        () => false,
      );
    assert.equal(await canI('list', 'secrets'), true);
    assert.equal(await canI('watch', 'widgets.demo.strata.dev'), true);
    for (const verb of ['create', 'patch', 'delete'])
      assert.equal(await canI(verb, 'configmaps'), false, verb);
    const token = (await kubectl(w.fx, 'create', 'token', 'strata-agent', '-n', 'strata-ro')).trim();
    const admin = new KubeConfig();
    admin.loadFromFile(w.fx.kubeconfigPath);
    const cluster = admin.getCurrentCluster()!;
    const roKubeconfig = join(w.dir, 'read-only.kubeconfig');
    await writeFile(
      roKubeconfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          { name: 'c', cluster: { server: cluster.server, 'certificate-authority-data': cluster.caData } },
        ],
        users: [{ name: 'ro', user: { token } }],
        contexts: [{ name: 'ro', context: { cluster: 'c', user: 'ro' } }],
        'current-context': 'ro',
      }),
      { mode: 0o600 },
    );

    let mark = w.server.mark();
    const readOnly = await w.startAgent({
      kubeconfigPath: roKubeconfig,
      namespace: 'strata-ro',
      mode: 'read-only',
    });
    try {
      const observed = await w.server.waitForReport(
        (r) =>
          r.revision === w.server.revision &&
          r.layers.length === w.stack.length &&
          r.layers.every((l) => l.state === 'Applied'),
        30_000,
        mark,
      );
      assert.equal(observed.health, 'Healthy');

      mark = w.server.mark();
      await kubectl(w.fx, 'scale', 'deployment', 'shop-web', '-n', 'shop', '--replicas=4');
      const drifted = await w.server.waitForReport(
        (r) => layerState(r, 'base.shop')?.state === 'Drifted',
        10_000,
        mark,
      );
      assert.deepEqual(
        driftOf(drifted, 'base.shop').map((d) => [d.path, d.desired, d.live]),
        [['/spec/replicas', 2, 4]],
      );
      await new Promise((r) => setTimeout(r, 2000));
      assert.equal(
        ((await kubectlJson(w.fx, 'get', 'deployment', 'shop-web', '-n', 'shop')).spec as JsonObject)
          .replicas,
        4,
      );
      const written = await kubectlJson(
        w.fx,
        'get',
        'configmaps,secrets',
        '-n',
        'strata-ro',
        '-l',
        'app.kubernetes.io/managed-by=strata',
      );
      assert.deepEqual(written.items, []);
    } finally {
      await readOnly.stop();
      await kubectl(w.fx, 'scale', 'deployment', 'shop-web', '-n', 'shop', '--replicas=2');
    }
  });
});
