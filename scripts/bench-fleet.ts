/**
 * Fleet benchmark (issue 19): a rollout's plan and a whole rollout over N clusters without real clusters.
 *
 *   node --import ./bin/conditions-hook.js scripts/bench-fleet.ts [--clusters 1000] [--batch 100] [--backend sqlite]
 *     [--plan-only]
 *
 * Clusters are stored Running (as the Cluster controller leaves them); the Rollout controller runs pass by pass on a
 * real store. After each batch is written, every changed cluster is made healthy by writing the status the Cluster
 * controller writes once its agent reported the new revision applied (status level, not the agent protocol). The
 * bench checks the gating: a batch starts only after the one before passed, and each cluster is written once.
 */
import assert from 'node:assert/strict';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import type { ClusterStatus, RolloutPlan, RolloutStatus } from '@strata/api';
import { postgresTestDatabase, sqliteTestDatabase, type TestBackend } from '@strata/testing';
import { PROJECT_URL as P } from '../packages/server/src/test/cluster-world.js';
import { startFleetWorld } from '../packages/server/src/test/fleet-world.js';
import { expectOk } from '../packages/server/src/test/harness.js';

const { values } = parseArgs({
  options: {
    clusters: { type: 'string', default: '1000' },
    batch: { type: 'string', default: '100' },
    backend: { type: 'string', default: 'sqlite' },
    // Seed, plan and list only (no rollout): for measuring the plan on a busy machine.
    'plan-only': { type: 'boolean', default: false },
  },
});
const N = Number(values.clusters);
const BATCH = Number(values.batch);
const backend: TestBackend =
  values.backend === 'postgres'
    ? { name: 'postgres', create: postgresTestDatabase() }
    : { name: 'sqlite', create: sqliteTestDatabase };

const w = await startFleetWorld(backend);
const scope = { tenant: 'default', projects: '*' as const };
const HEALTHY = [
  'InfrastructureReady',
  'ControlPlaneReady',
  'NodePoolsReady',
  'AgentConnected',
  'LayersApplied',
  'NoDrift',
];
const healthy = (generation: number): ClusterStatus => ({
  phase: 'Running' as const,
  health: 'Healthy' as const,
  observedGeneration: generation,
  conditions: HEALTHY.map((type) => ({
    type,
    status: 'True' as const,
    reason: 'Ok',
    message: '',
    lastTransitionTime: new Date().toISOString(),
    observedGeneration: generation,
  })),
});

let t = Date.now();
for (let i = 0; i < N; i++) {
  const name = `c${String(i).padStart(5, '0')}`;
  await w.s.store.create(
    scope,
    {
      key: { kind: 'Cluster', tenant: 'default', project: 'default', name },
      labels: { fleet: 'bench', shard: String(i % 10) },
      annotations: {},
      finalizers: [],
      spec: {
        provider: 'scripted',
        nodePools: [{ name: 'cp', controlPlane: true, count: 1 }],
        profiles: [{ name: 'base', version: '1.0.0' }],
      },
      status: healthy(1),
    },
    { name: 'bench' },
  );
}
const seedMs = Date.now() - t;

const rollout = {
  metadata: { name: 'bench' },
  spec: {
    target: { selector: 'fleet=bench' },
    change: { profile: { name: 'base', version: '1.1.0' } },
    strategy: { batchSize: BATCH, healthGate: { timeoutSeconds: 3600 } },
  },
};
t = Date.now();
const plan = (await expectOk(w.s.call({ method: 'POST', url: `${P}/rollouts/plan`, body: rollout })))
  .body as unknown as RolloutPlan;
const planMs = Date.now() - t;
assert.equal(plan.summary.change, N);

// The console's all-projects view: one filtered page of the whole fleet, counts per filter value.
const listMs: number[] = [];
for (const query of ['?limit=50', '?phase=Running&q=c09&limit=50&offset=50', '?version=unknown&limit=50']) {
  t = Date.now();
  const page = (await expectOk(w.s.call({ method: 'GET', url: `/v1/fleet/clusters${query}` }))).body;
  listMs.push(Date.now() - t);
  assert.ok(Number(page.total) >= 0);
}

if (values['plan-only']) {
  await w.close();
  process.stdout.write(
    `| ${backend.name} | ${N} | - | ${(seedMs / 1000).toFixed(1)} | ${(planMs / 1000).toFixed(2)} | - | - | - | - |\n` +
      `GET /v1/fleet/clusters (one page of 50, three filters): ${listMs.join(' / ')} ms\n`,
  );
  process.exit(0);
}
await expectOk(w.s.call({ method: 'POST', url: `${P}/rollouts`, body: rollout }));
const passes: number[] = [];
const key = (name: string) => ({ kind: 'Cluster', tenant: 'default', project: 'default', name });
const started = Date.now();
let st: RolloutStatus = {};
let lastRunning = -1;
for (let pass = 0; pass < 10_000; pass++) {
  const p0 = Date.now();
  st = await w.step('bench');
  passes.push(Date.now() - p0);
  if (st.phase === 'Succeeded' || st.phase === 'Halted') break;
  const running = (st.batches ?? []).findIndex((b) => b.state === 'Running');
  if (running >= 0 && running !== lastRunning) {
    // Gating: every earlier batch passed before this one started.
    assert.ok(
      (st.batches ?? []).slice(0, running).every((b) => b.state === 'Succeeded'),
      `batch ${running} started early`,
    );
    lastRunning = running;
    for (const c of (st.clusters ?? []).filter((x) => x.batch === running)) {
      await w.s.store.updateStatus(
        scope,
        { key: key(c.name), status: healthy(c.generation!) },
        { name: 'bench' },
      );
    }
  }
}
const totalMs = Date.now() - started;
assert.equal(st.phase, 'Succeeded', JSON.stringify(st.message));
const generations = await Promise.all(
  (st.clusters ?? []).map(async (c) => (await w.s.store.get(scope, key(c.name)))!.metadata.generation),
);
assert.ok(
  generations.every((g) => g === 2),
  'every cluster written exactly once',
);
await w.close();

const sorted = [...passes].sort((a, b) => a - b);
const line = [
  `| ${backend.name} | ${N} | ${BATCH} | ${(seedMs / 1000).toFixed(1)} | ${(planMs / 1000).toFixed(1)} | ${passes.length}`,
  `${sorted[Math.floor(sorted.length / 2)]} | ${sorted[sorted.length - 1]} | ${(totalMs / 1000).toFixed(1)} |`,
].join(' | ');
process.stdout.write(
  `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}\n\n` +
    '| backend | clusters | batch | seed s | plan s | passes | pass p50 ms | pass max ms | rollout s |\n' +
    '|---|---|---|---|---|---|---|---|---|\n' +
    `${line}\n\nGET /v1/fleet/clusters (one page of 50, three filters): ${listMs.join(' / ')} ms\n`,
);
