/**
 * The one conformance suite every provider runs (docs/contracts/provider.md). It drives a real provider against
 * real infrastructure, in order: validate → unsupported version → create → idempotence → kubeconfig → scale →
 * repave → delete. Call it at the top level of a node:test file. Nodes and the control plane's version are read
 * through an observer: the workload API server by default, another path where a provider's is simulated.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { NodePool } from '@strata/api';
import { classifyProviderError, ProviderError } from '../provider-error.js';
import type { ClusterProgress, Provider, ProviderAccount, ProviderCluster } from '../provider.js';
import { converge, eventually, withPool } from './helpers.js';
import { apiServerObserver, type ClusterObserver } from './observer.js';

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
  /**
   * Where the suite reads nodes, the control plane's version and the roll of a repave. Default: the workload API
   * server through the kubeconfig (`apiServerObserver`); Cluster API providers on simulated machines read the
   * gateway's Machines instead.
   */
  observer?: ClusterObserver;
}

const POOLS: NodePool[] = [
  { name: 'control-plane', controlPlane: true, count: 1 },
  { name: 'workers', count: 2, min: 1, max: 4, cpu: '2', updateStrategy: { maxSurge: 1, maxUnavailable: 0 } },
];

export function runProviderConformance(options: ProviderConformanceOptions): void {
  const timeoutMs = options.timeoutMs ?? 180_000;
  const prefix = options.namePrefix ?? 'conf';
  const observer = options.observer ?? apiServerObserver;
  describe(`provider conformance: ${options.name}`, { concurrency: false }, () => {
    let provider: Provider;
    let version: string;
    let cluster: ProviderCluster;
    let kubeconfig = '';
    const target = () => ({ cluster, kubeconfig });
    const nodes = () => observer.nodes(target());

    /** Calls repavePool until the pool has no outdated node and the cluster is ready (it may return once started). */
    async function repave(pool: string): Promise<ClusterProgress> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const p = await provider.repavePool(cluster, { pool });
        if (p.ready && p.nodePools.find((x) => x.name === pool)?.outdated === 0) return p;
        if (Date.now() >= deadline) throw new Error(`the repave of ${pool} did not finish: ${p.message}`);
        await sleep(250);
      }
    }

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
      const before = (await nodes()).map((n) => n.uid).sort();
      const first = await provider.ensure(cluster);
      const again = await provider.ensure(cluster);
      assert.equal(again.ready, true);
      assert.equal(again.endpoint, first.endpoint);
      assert.deepEqual((await nodes()).map((n) => n.uid).sort(), before);
    });

    it(`kubeconfig() works against the real API server (version, ${observer.source} labelled by pool)`, async () => {
      assert.equal(await observer.controlPlaneVersion(target()), version);
      const all = await nodes();
      assert.equal(all.filter((n) => n.pool === 'workers').length, 2);
      assert.equal(all.filter((n) => n.pool === 'control-plane').length, 1);
    });

    it('ensure() scales a pool up and down to its spec count', async () => {
      cluster = withPool(cluster, 'workers', { count: 4 });
      const up = await converge(provider, cluster, timeoutMs);
      assert.deepEqual(
        up.nodePools.find((p) => p.name === 'workers'),
        { name: 'workers', desired: 4, ready: 4, outdated: 0, version },
      );
      assert.equal((await nodes()).filter((n) => n.pool === 'workers' && n.ready).length, 4);
      cluster = withPool(cluster, 'workers', { count: 1 });
      const down = await converge(provider, cluster, timeoutMs);
      assert.equal(down.nodePools.find((p) => p.name === 'workers')?.ready, 1);
      assert.equal((await nodes()).filter((n) => n.pool === 'workers').length, 1);
    });

    it('ensure() applies labels and taints in place, without replacing nodes', async () => {
      const uids = (await nodes()).map((n) => n.uid).sort();
      cluster = withPool(cluster, 'workers', {
        labels: { tier: 'api' },
        taints: [{ key: 'dedicated', value: 'api', effect: 'NoSchedule' }],
      });
      const p = await converge(provider, cluster, timeoutMs);
      assert.equal(
        p.nodePools.find((x) => x.name === 'workers')?.outdated,
        0,
        'labels and taints do not repave',
      );
      // Providers whose controllers propagate them (Cluster API) may apply them shortly after ensure returns.
      await eventually(async () => {
        const now = await nodes();
        assert.deepEqual(now.map((n) => n.uid).sort(), uids, 'no node was replaced');
        for (const n of now.filter((x) => x.pool === 'workers')) {
          assert.equal(n.labels['tier'], 'api', `${n.name} has the pool's label`);
          assert.ok(
            n.taints.some((t) => t.key === 'dedicated' && t.value === 'api' && t.effect === 'NoSchedule'),
            `${n.name} has the pool's taint`,
          );
        }
      }, timeoutMs);
      cluster = withPool(cluster, 'workers', { labels: {}, taints: [] });
      await converge(provider, cluster, timeoutMs);
      await eventually(async () => {
        const now = await nodes();
        assert.deepEqual(now.map((n) => n.uid).sort(), uids, 'no node was replaced');
        for (const n of now.filter((x) => x.pool === 'workers')) {
          assert.equal(n.labels['tier'], undefined, 'a removed label is taken off');
          assert.deepEqual(
            n.taints.filter((t) => !t.key.startsWith('node.kubernetes.io/')),
            [],
            'a removed taint is taken off (taints of the node lifecycle controller are left alone)',
          );
        }
      }, timeoutMs);
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
      const old = new Set((await nodes()).filter((n) => n.pool === 'workers').map((n) => n.uid));
      const { result, minReady, changes } = await observer.watchPool(target(), 'workers', () =>
        repave('workers'),
      );
      assert.ok(
        changes >= 4,
        `the pool's ${observer.source} were followed during the repave (${changes} changes)`,
      );
      assert.ok(minReady >= 2, `maxUnavailable 0: the pool kept 2 Ready nodes (lowest seen: ${minReady})`);
      assert.deepEqual(
        result.nodePools.find((p) => p.name === 'workers'),
        { name: 'workers', desired: 2, ready: 2, outdated: 0, version },
      );
      const now = (await nodes()).filter((n) => n.pool === 'workers');
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
      assert.equal(
        await observer.controlPlaneVersion(target()),
        version,
        'the control plane was not touched',
      );
    });

    it('delete() removes everything and is idempotent', async () => {
      let result = await provider.delete(cluster);
      const deadline = Date.now() + timeoutMs;
      while (!result.done && Date.now() < deadline) {
        await sleep(250);
        result = await provider.delete(cluster);
      }
      assert.deepEqual(result, { done: true });
      assert.deepEqual(await provider.delete(cluster), { done: true });
      assert.equal(await observer.apiServerGone(target()), true, 'the API server is gone');
      await options.assertNothingLeft?.(cluster);
    });
  });
}
