/**
 * Discovery benchmark (issue 7 target: < 10 s for a cluster with 2,000 objects and 30 Helm releases). On a sandbox
 * cluster (1 control-plane + 2 workers): 2,000 ConfigMaps in 20 namespaces, created with parallel API requests;
 * 30 releases of one small chart (Deployment + Service + ConfigMap) installed with the real `helm install`, 6 at a
 * time, 10 of them upgraded once (so discovery must pick the newest of several revisions). Then discovery runs
 * `--runs` times (default 3), each with a fresh Kubernetes client (connection set-up included), and the median is
 * reported. Then the generated profile (target < 2 s): core's `generateProfile` over the last discovery with a catalog
 * that serves the chart (30 chart layers with their values) plus `validateProfile`, and the same with every seeded
 * ConfigMap selected as a manifest object (2,000 objects cleaned into a manifest layer). Then what the agent does for
 * a generated profile with a selection: `readObjects` of the largest selection the API takes (500 objects; median of
 * 3, fresh client each). Not part of the test run (not a *.test.ts file):
 *
 *   node --import ./bin/conditions-hook.js --test packages/agent/src/test/discovery-bench.ts
 *   BENCH_RUNS=5 BENCH_OBJECTS=2000 BENCH_RELEASES=30 node ... (same)
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MAX_SELECTED_OBJECTS, type ClusterDiscovery } from '@strata/api';
import { createPackCatalog, generateProfile, loadPack, validateProfile, type KubeObject } from '@strata/core';
import { useSandboxCluster } from '@strata/testing';
import { forEachLimited } from '../apply/pool.js';
import { runDiscovery } from '../discovery/discover.js';
import { credentialsFromKubeconfigFile } from '../kube/credentials.js';
import { KubeClient } from '../kube/kube-client.js';
import { readObjects } from '../requests/read-objects.js';
import { serveChartRepo } from './chart-repo.js';
import { helmIn } from './import-helpers.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const OBJECTS = Number(process.env.BENCH_OBJECTS ?? 2000);
const RELEASES = Number(process.env.BENCH_RELEASES ?? 30);
const NAMESPACES = 20;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

function client(kubeconfigPath: string): KubeClient {
  return new KubeClient(credentialsFromKubeconfigFile(kubeconfigPath));
}

describe('discovery benchmark', () => {
  const fx = useSandboxCluster({ workers: 2 });

  it(`discovers ${OBJECTS} objects and ${RELEASES} Helm releases`, async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'strata-discovery-bench-'));
    const repo = await serveChartRepo(fx.bin('helm'), join(dir, 'charts'), '0.1.0', 'tiny');
    try {
      const kube = client(fx.kubeconfigPath);
      const post = async (path: string, body: unknown): Promise<void> => {
        const res = await kube.transport.request({ method: 'POST', path, body });
        if (res.status >= 300) throw new Error(`POST ${path}: HTTP ${res.status}`);
      };

      let started = Date.now();
      const namespaces = Array.from({ length: NAMESPACES }, (_, i) => `bench-${String(i).padStart(2, '0')}`);
      await forEachLimited(namespaces, 8, (name) =>
        post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }),
      );
      const configMaps = Array.from({ length: OBJECTS }, (_, i) => i);
      await forEachLimited(configMaps, 32, (i) => {
        const ns = namespaces[i % NAMESPACES]!;
        return post(`/api/v1/namespaces/${ns}/configmaps`, {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: `cm-${String(i).padStart(4, '0')}`, namespace: ns, labels: { app: 'bench' } },
          data: { index: String(i), payload: 'x'.repeat(200) },
        });
      });
      const seedObjectsMs = Date.now() - started;
      kube.close();

      const helm = helmIn(fx, join(dir, 'helm'));
      const chart = join(dir, 'charts', 'repo', 'tiny-0.1.0.tgz');
      const releases = Array.from({ length: RELEASES }, (_, i) => i);
      const install = (i: number, verb: 'install' | 'upgrade') =>
        helm(
          verb,
          `rel-${i}`,
          chart,
          '-n',
          `bench-${String(i % NAMESPACES).padStart(2, '0')}`,
          '--set',
          `greeting=hello-${i},replicaCount=1`,
          ...(verb === 'upgrade' ? ['--set', 'extra=upgraded'] : []),
        ).then(() => undefined);
      started = Date.now();
      await forEachLimited(releases, 6, (i) => install(i, 'install'));
      await forEachLimited(releases.slice(0, 10), 6, (i) => install(i, 'upgrade'));
      const seedReleasesMs = Date.now() - started;

      let last: ClusterDiscovery | undefined;
      const runs: {
        wallMs: number;
        durationMs: number;
        objects: number;
        workloads: number;
        bytes: number;
      }[] = [];
      for (let r = 0; r < RUNS; r++) {
        const fresh = client(fx.kubeconfigPath);
        const t0 = performance.now();
        const { discovery, warnings } = await runDiscovery(fresh);
        const wallMs = performance.now() - t0;
        fresh.close();
        last = discovery;
        assert.deepEqual(warnings, []);
        assert.equal(discovery.helmReleases.length, RELEASES);
        assert.ok(discovery.helmReleases.every((x) => x.values.greeting === `hello-${x.name.slice(4)}`));
        assert.equal(discovery.helmReleases.filter((x) => x.revision === 2).length, Math.min(10, RELEASES));
        assert.ok(discovery.workloads.length >= OBJECTS, `${discovery.workloads.length} workloads`);
        runs.push({
          wallMs,
          durationMs: discovery.durationMs,
          objects: discovery.counts.objects,
          workloads: discovery.workloads.length,
          bytes: Buffer.byteLength(JSON.stringify(discovery)),
        });
      }
      const med = median(runs.map((x) => x.wallMs));

      // The generated profile: 30 chart layers (the catalog serves the chart), then also 2,000 selected objects.
      const catalog = createPackCatalog([
        loadPack({
          'pack.yaml': `name: tiny\nversion: 0.1.0\nlayer: addon\ntype: helm\nchart: {repository: ${repo.url}, name: tiny, version: 0.1.0}\n`,
        }),
      ]);
      const reader = client(fx.kubeconfigPath);
      const objects: KubeObject[] = [];
      for (const ns of namespaces) {
        const res = await reader.transport.request({
          method: 'GET',
          path: `/api/v1/namespaces/${ns}/configmaps`,
        });
        for (const item of (res.body as { items: KubeObject[] }).items)
          objects.push({ ...item, apiVersion: 'v1', kind: 'ConfigMap' });
      }
      reader.close();
      const generate = (selected?: KubeObject[]) => {
        const t0 = performance.now();
        const g = generateProfile({
          discovery: last!,
          catalog,
          name: 'imported',
          version: '1.0.0',
          ...(selected ? { objects: selected } : {}),
        });
        const issues = validateProfile({ profile: g.profile, catalog });
        const ms = performance.now() - t0;
        assert.deepEqual(issues, []);
        assert.equal(g.profile.spec.layers.filter((l) => 'chart' in l).length, RELEASES);
        return {
          ms,
          layers: g.profile.spec.layers.length,
          bytes: Buffer.byteLength(JSON.stringify(g.profile)),
        };
      };
      // The agent's part of a generated profile with a selection: read the largest selection the API accepts.
      const refs = objects.slice(0, MAX_SELECTED_OBJECTS).map((o) => ({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        namespace: String(o.metadata?.namespace),
        name: String(o.metadata?.name),
      }));
      const reads: { ms: number; bytes: number }[] = [];
      for (let r = 0; r < 3; r++) {
        const fresh = client(fx.kubeconfigPath);
        const t0 = performance.now();
        const read = await readObjects(fresh, refs);
        reads.push({ ms: performance.now() - t0, bytes: Buffer.byteLength(JSON.stringify(read)) });
        fresh.close();
        assert.equal(read.objects.length, refs.length);
        assert.deepEqual(read.missing, []);
      }
      const charts = Array.from({ length: 5 }, () => generate());
      const withObjects = Array.from({ length: 5 }, () => generate(objects));
      const lines = [
        `machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, load average ${loadavg()[0]!.toFixed(1)}`,
        `seed: ${OBJECTS} ConfigMaps in ${NAMESPACES} namespaces in ${seedObjectsMs} ms; ${RELEASES} helm installs (6 at a time) + 10 upgrades in ${seedReleasesMs} ms`,
        `objects examined: ${runs[0]!.objects}; workloads: ${runs[0]!.workloads}; discovery JSON: ${Math.round(runs[0]!.bytes / 1024)} KiB`,
        `runs (wall ms): ${runs.map((x) => x.wallMs.toFixed(0)).join(', ')}; durationMs: ${runs.map((x) => x.durationMs).join(', ')}`,
        `median: ${med.toFixed(0)} ms (target < 10000 ms)`,
        `generated profile (generate + validate), ${charts[0]!.layers} layers: median ${median(charts.map((x) => x.ms)).toFixed(0)} ms of 5 (${charts.map((x) => x.ms.toFixed(0)).join(', ')}) (target < 2000 ms)`,
        `… with ${objects.length} selected ConfigMaps as a manifest layer (${Math.round(withObjects[0]!.bytes / 1024)} KiB profile): median ${median(withObjects.map((x) => x.ms)).toFixed(0)} ms of 5 (${withObjects.map((x) => x.ms.toFixed(0)).join(', ')})`,
        `agent reads ${refs.length} selected objects (${Math.round(reads[0]!.bytes / 1024)} KiB answer): median ${median(reads.map((x) => x.ms)).toFixed(0)} ms of 3 (${reads.map((x) => x.ms.toFixed(0)).join(', ')})`,
      ];
      for (const line of lines) t.diagnostic(line);
      assert.ok(med < 10_000, `median ${med} ms`);
      assert.ok(median(withObjects.map((x) => x.ms)) < 2_000, 'generated profile < 2 s');
    } finally {
      await repo.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
