/**
 * The one conformance suite every provider runs (docs/contracts/provider.md). It drives a real provider against
 * real infrastructure, in order: validate → unsupported version → create → idempotence → kubeconfig → scale →
 * repave → delete. Call it at the top level of a node:test file.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { NodePool } from '@strata/api';
import { kubeGet } from '../kube-get.js';
import { classifyProviderError, ProviderError } from '../provider-error.js';
import type { Provider, ProviderAccount, ProviderCluster } from '../provider.js';
import { converge, listNodes, watchPool, withPool } from './helpers.js';

export interface ProviderConformanceOptions {
  /** Shown in test names. */
  name: string;
  makeProvider: () => Provider | Promise<Provider>;
  /** A valid cluster of this provider with the given name, version and pools (provider-specific fields filled in). */
  makeCluster: (input: { name: string; kubernetesVersion: string; nodePools: NodePool[] }) => ProviderCluster;
  account?: ProviderAccount;
  /** Proves nothing of a deleted cluster is left (sandbox: no process, no state directory). */
  assertNothingLeft?: (cluster: ProviderCluster) => Promise<void>;
  /** For one convergence (create, scale, repave). Default 180 s. */
  timeoutMs?: number;
  /** Cluster name prefix (default `conf`). */
  namePrefix?: string;
}

const POOLS: NodePool[] = [
  { name: 'control-plane', controlPlane: true, count: 1 },
  { name: 'workers', count: 2, min: 1, max: 4, cpu: '2', updateStrategy: { maxSurge: 1, maxUnavailable: 0 } },
];

export function runProviderConformance(options: ProviderConformanceOptions): void {
  const timeoutMs = options.timeoutMs ?? 180_000;
  const prefix = options.namePrefix ?? 'conf';
  describe(`provider conformance: ${options.name}`, { concurrency: false }, () => {
    let provider: Provider;
    let version: string;
    let cluster: ProviderCluster;
    let kubeconfig = '';

    before(async () => {
      provider = await options.makeProvider();
      const caps = await provider.capabilities();
      assert.ok(caps.kubernetesVersions.length > 0, 'capabilities() lists at least one Kubernetes version');
      version = caps.kubernetesVersions[0] as string;
      cluster = options.makeCluster({
        name: `${prefix}-${process.pid}`,
        kubernetesVersion: version,
        nodePools: POOLS,
      });
    });
    after(async () => {
      if (provider && cluster) await provider.delete(cluster).catch(() => undefined);
    });

    it('capabilities() reports normalised versions and its features', async () => {
      const caps = await provider.capabilities();
      for (const v of caps.kubernetesVersions) assert.match(v, /^v\d+\.\d+\.\d+$/);
      assert.equal(caps.scaling, true);
      assert.equal(caps.repave, true);
      assert.equal(caps.upgrade, caps.kubernetesVersions.length > 1 || caps.upgrade);
    });

    it('validate() accepts a valid cluster and rejects bad specs with every issue and its path', async () => {
      assert.deepEqual(await provider.validate(cluster, options.account), []);
      const bad = structuredClone(cluster);
      bad.spec.nodePools = [
        { name: 'control-plane', controlPlane: true, count: 2 },
        { name: 'workers', count: 0, min: 1 },
      ];
      const issues = await provider.validate(bad, options.account);
      const paths = issues.map((i) => i.path);
      assert.ok(
        paths.includes('/spec/nodePools/0/count'),
        `even control-plane count reported: ${paths.join(', ')}`,
      );
      assert.ok(paths.includes('/spec/nodePools/1/count'), `count below min reported: ${paths.join(', ')}`);
      for (const i of issues) assert.ok(i.message.length > 0);
    });

    it('an unsupported Kubernetes version is a clear terminal error, and nothing is created', async () => {
      const old = { ...cluster, name: `${cluster.name}-v`, kubernetesVersion: 'v1.0.0' };
      const issues = await provider.validate(old, options.account);
      assert.ok(
        issues.some((i) => i.path === '/spec/kubernetesVersion' && i.message.includes('v1.0.0')),
        `validate names the version: ${JSON.stringify(issues)}`,
      );
      await assert.rejects(provider.ensure(old), (err: unknown) => {
        assert.ok(err instanceof ProviderError, `a ProviderError, got ${String(err)}`);
        assert.equal(err.code, 'STRATA_PROVIDER_UNSUPPORTED');
        assert.equal(classifyProviderError(err), 'terminal');
        assert.match(err.message, /v1\.0\.0/);
        assert.ok(err.message.includes(version), 'the message lists the available versions');
        return true;
      });
      assert.deepEqual(await provider.delete(old), { done: true });
      await options.assertNothingLeft?.(old);
    });

    it('ensure() converges and reports control plane, pools and version', async () => {
      const p = await converge(provider, cluster, timeoutMs);
      assert.equal(p.infrastructureReady, true);
      assert.equal(p.controlPlaneReady, true);
      assert.equal(p.kubernetesVersion, version);
      assert.match(p.endpoint ?? '', /^https:\/\//);
      assert.deepEqual(
        p.nodePools.map(({ name, desired, ready, outdated }) => ({ name, desired, ready, outdated })),
        [
          { name: 'control-plane', desired: 1, ready: 1, outdated: 0 },
          { name: 'workers', desired: 2, ready: 2, outdated: 0 },
        ],
      );
      for (const pool of p.nodePools) assert.equal(pool.version, version);
    });

    it('ensure() is idempotent: a second call changes nothing', async () => {
      kubeconfig = await provider.kubeconfig(cluster);
      const before = (await listNodes(kubeconfig)).map((n) => n.uid).sort();
      const first = await provider.ensure(cluster);
      const again = await provider.ensure(cluster);
      assert.equal(again.ready, true);
      assert.equal(again.endpoint, first.endpoint);
      assert.deepEqual((await listNodes(kubeconfig)).map((n) => n.uid).sort(), before);
    });

    it('kubeconfig() works against the real API server (/version, nodes labelled by pool)', async () => {
      const v = (await kubeGet(kubeconfig, '/version')) as { gitVersion: string };
      assert.equal(v.gitVersion, version);
      const nodes = await listNodes(kubeconfig);
      assert.equal(nodes.filter((n) => n.pool === 'workers').length, 2);
      assert.equal(nodes.filter((n) => n.pool === 'control-plane').length, 1);
    });

    it('ensure() scales a pool up and down to its spec count', async () => {
      cluster = withPool(cluster, 'workers', { count: 4 });
      const up = await converge(provider, cluster, timeoutMs);
      assert.deepEqual(
        up.nodePools.find((p) => p.name === 'workers'),
        { name: 'workers', desired: 4, ready: 4, outdated: 0, version },
      );
      assert.equal((await listNodes(kubeconfig)).filter((n) => n.pool === 'workers' && n.ready).length, 4);
      cluster = withPool(cluster, 'workers', { count: 1 });
      const down = await converge(provider, cluster, timeoutMs);
      assert.equal(down.nodePools.find((p) => p.name === 'workers')?.ready, 1);
      assert.equal((await listNodes(kubeconfig)).filter((n) => n.pool === 'workers').length, 1);
    });

    it('ensure() applies labels and taints in place, without replacing nodes', async () => {
      const uids = (await listNodes(kubeconfig)).map((n) => n.uid).sort();
      cluster = withPool(cluster, 'workers', {
        labels: { tier: 'api' },
        taints: [{ key: 'dedicated', value: 'api', effect: 'NoSchedule' }],
      });
      const p = await provider.ensure(cluster);
      assert.equal(
        p.nodePools.find((x) => x.name === 'workers')?.outdated,
        0,
        'labels and taints do not repave',
      );
      const nodes = await listNodes(kubeconfig);
      assert.deepEqual(nodes.map((n) => n.uid).sort(), uids);
      for (const n of nodes.filter((x) => x.pool === 'workers')) {
        assert.equal(n.labels['tier'], 'api');
        assert.ok(
          n.taints.some((t) => t.key === 'dedicated' && t.value === 'api' && t.effect === 'NoSchedule'),
        );
      }
      cluster = withPool(cluster, 'workers', { labels: {}, taints: [] });
      await provider.ensure(cluster);
      for (const n of (await listNodes(kubeconfig)).filter((x) => x.pool === 'workers')) {
        assert.equal(n.labels['tier'], undefined, 'a removed label is taken off');
        assert.deepEqual(
          n.taints.filter((t) => !t.key.startsWith('node.kubernetes.io/')),
          [],
          'a removed taint is taken off (taints of the node lifecycle controller are left alone)',
        );
      }
    });

    it('a machine change shows outdated nodes; repavePool() replaces them with new ones Ready first', async () => {
      cluster = withPool(cluster, 'workers', { count: 2 });
      await converge(provider, cluster, timeoutMs);
      cluster = withPool(cluster, 'workers', { cpu: '4' });
      const pending = await provider.ensure(cluster);
      assert.equal(
        pending.nodePools.find((p) => p.name === 'workers')?.outdated,
        2,
        'ensure does not repave',
      );
      const old = new Set(
        (await listNodes(kubeconfig)).filter((n) => n.pool === 'workers').map((n) => n.uid),
      );
      const { result, minReady, events } = await watchPool(kubeconfig, 'workers', () =>
        provider.repavePool(cluster, { pool: 'workers' }),
      );
      assert.ok(events >= 4, `the pool's node events were watched during the repave (${events})`);
      assert.ok(minReady >= 2, `maxUnavailable 0: the pool kept 2 Ready nodes (lowest seen: ${minReady})`);
      assert.deepEqual(
        result.nodePools.find((p) => p.name === 'workers'),
        { name: 'workers', desired: 2, ready: 2, outdated: 0, version },
      );
      const now = (await listNodes(kubeconfig)).filter((n) => n.pool === 'workers');
      assert.equal(now.length, 2);
      assert.ok(
        now.every((n) => !old.has(n.uid)),
        'every worker node was replaced',
      );
      const again = await provider.repavePool(cluster, { pool: 'workers' });
      assert.equal(again.ready, true, 'repave is idempotent');
    });

    it('a Kubernetes version the provider lacks: ensure() keeps running and reports outdated nodes, repavePool() fails terminally', async () => {
      const next: ProviderCluster = { ...cluster, kubernetesVersion: 'v1.0.0' };
      const p = await provider.ensure(next);
      assert.equal(p.kubernetesVersion, version, 'ensure never changes the running version');
      assert.ok(
        p.nodePools.every((pool) => pool.outdated === pool.desired),
        'every node is outdated',
      );
      await assert.rejects(provider.repavePool(next, { pool: 'control-plane' }), (err: unknown) => {
        assert.ok(err instanceof ProviderError, `a ProviderError, got ${String(err)}`);
        assert.equal(err.code, 'STRATA_PROVIDER_UNSUPPORTED');
        assert.equal(classifyProviderError(err), 'terminal');
        assert.match(err.message, /v1\.0\.0/);
        return true;
      });
      const v = (await kubeGet(kubeconfig, '/version')) as { gitVersion: string };
      assert.equal(v.gitVersion, version, 'the control plane was not touched');
    });

    it('delete() removes everything and is idempotent', async () => {
      let result = await provider.delete(cluster);
      const deadline = Date.now() + timeoutMs;
      while (!result.done && Date.now() < deadline) result = await provider.delete(cluster);
      assert.deepEqual(result, { done: true });
      assert.deepEqual(await provider.delete(cluster), { done: true });
      await assert.rejects(kubeGet(kubeconfig, '/version', 2_000), 'the API server is gone');
      await options.assertNothingLeft?.(cluster);
    });
  });
}
