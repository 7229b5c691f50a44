/**
 * A fleet for Rollout tests: the cluster world (real store and routes, the Cluster controller driven by hand, the
 * scripted provider) plus the Rollout controller on a fake clock, profile `base` in versions 1.0.0, 1.1.0 (new CNI
 * values) and 1.2.0 (one more layer), and agents that report through the real agent protocol.
 */
import type { ClusterStatus, Resource, RolloutStatus } from '@strata/api';
import { FakeClock, type TestBackend } from '@strata/testing';
import { RolloutController } from '../controllers/rollout/rollout-controller.js';
import {
  PROJECT_URL as P,
  SANDBOX_INFRA_LAYERS,
  startClusterWorld,
  type ClusterWorld,
} from './cluster-world.js';
import { expectOk, publishProfile } from './harness.js';

export interface FleetWorld extends ClusterWorld {
  clock: FakeClock;
  rollouts: RolloutController;
  /** A cluster with these labels, brought to Running (its agent reported every layer applied). */
  running(name: string, labels: Record<string, string>, policy?: Record<string, unknown>): Promise<void>;
  /**
   * One Cluster controller pass for each cluster, then its agent's report of the newest revision (every layer
   * Applied, or `failed` layers Failed), then another pass.
   */
  settle(names: readonly string[], failed?: readonly string[]): Promise<void>;
  /** One Rollout controller pass (a project's rollout; `''` for a tenant rollout). */
  step(name: string, project?: string): Promise<RolloutStatus>;
  rollout(name: string): Promise<Resource>;
  /** The version of `base` attached to the cluster. */
  version(name: string): Promise<string>;
}

const LAYERS_1_1 = SANDBOX_INFRA_LAYERS.map((l) =>
  l.pack === 'sandbox-cni' ? { ...l, values: 'mtu: 1400\n' } : l,
);
const LAYERS_1_2 = [
  ...LAYERS_1_1,
  { name: 'extras', manifest: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: extras\n' },
];

export async function startFleetWorld(backend?: TestBackend): Promise<FleetWorld> {
  const w = await startClusterWorld({ agentTimeoutMs: 3_600_000 }, backend);
  for (const [version, layers] of [
    ['1.1.0', LAYERS_1_1],
    ['1.2.0', LAYERS_1_2],
  ] as const) {
    await publishProfile(w.s, { metadata: { name: 'base' }, spec: { type: 'full', version, layers } }, P);
  }
  const clock = new FakeClock(Date.UTC(2026, 11, 7, 12));
  const rollouts = new RolloutController({ store: w.s.store, service: w.s.service });
  const cluster = async (name: string) =>
    (await w.s.store.get({ tenant: 'default', projects: '*' }, w.key(name)))!;
  const report = async (name: string, failed: readonly string[]) => {
    const st = (await cluster(name)).status as ClusterStatus;
    const token = w.provider.tokens.get(st.infrastructureName ?? '');
    if (!token) throw new Error(`no agent token for ${name} (${st.infrastructureName})`);
    const stack = (await w.s.call({ method: 'GET', url: `${P}/clusters/${name}` })).body.spec as {
      profiles: { version: string }[];
    };
    const names = [
      'ubuntu',
      'kubernetes',
      'sandbox-cni',
      'sandbox-csi',
      ...(stack.profiles[0]!.version === '1.2.0' ? ['extras'] : []),
    ];
    await expectOk(
      w.s.call({
        method: 'POST',
        url: '/v1/agent/status',
        key: token,
        body: {
          protocol: 1,
          agentVersion: '0.1.0',
          revision: st.desired?.revision ?? 0,
          observedAt: new Date().toISOString(),
          health: failed.length ? 'Degraded' : 'Healthy',
          layers: names.map((layer) => ({
            profile: 'base',
            name: layer,
            hash: 'h',
            state: failed.includes(layer) ? 'Failed' : 'Applied',
            ...(failed.includes(layer) ? { message: 'namespaces "extras" is forbidden' } : {}),
          })),
        },
      }),
    );
  };
  const settle = async (names: readonly string[], failed: readonly string[] = []) => {
    for (const name of names) {
      await w.controller.reconcile(w.ctx(), w.key(name));
      await report(name, failed);
      await w.controller.reconcile(w.ctx(), w.key(name));
    }
  };
  return {
    ...w,
    clock,
    rollouts,
    async running(name, labels, policy = {}) {
      await w.create(name, { policy }, labels);
      if (policy.paused) return;
      await settle([name]);
      const phase = ((await cluster(name)).status as ClusterStatus).phase;
      if (phase !== 'Running') throw new Error(`${name} is ${phase}, not Running`);
    },
    settle,
    async step(name, project = 'default') {
      const key = { kind: 'Rollout', tenant: 'default', project, name };
      await rollouts.reconcile(w.ctx(1, clock), key);
      return (await w.s.store.get({ tenant: 'default', projects: '*' }, key))!.status;
    },
    rollout: async (name) =>
      (await w.s.store.get(
        { tenant: 'default', projects: '*' },
        { kind: 'Rollout', tenant: 'default', project: 'default', name },
      ))!,
    version: async (name) =>
      ((await cluster(name)).spec as { profiles: { version: string }[] }).profiles[0]!.version,
  };
}
