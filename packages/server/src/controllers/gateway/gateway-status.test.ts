import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayStatus, type Condition } from '@strata/api';
import { Compile } from 'typebox/compile';
import type { EmbeddedObservation } from '../../gateways/embedded-host.js';
import { gatewayStatus, type GatewayFacts } from './gateway-status.js';

const schema = Compile(GatewayStatus);
const now = new Date('2026-12-07T10:00:00Z');
const facts = (observation: EmbeddedObservation, before: GatewayFacts['before'] = {}): GatewayFacts => ({
  observation,
  before,
  generation: 1,
  now,
  clusters: 2,
  kubernetesVersions: ['v1.35.0', 'v1.35.1'],
});
const cond = (s: { conditions: Condition[] }, type: string) => s.conditions.find((c) => c.type === type);
const started = {
  clusterApiVersion: 'v1.14.2',
  server: 'https://127.0.0.1:1',
  kubeconfig: '',
  crds: 40,
  webhooks: 42,
  components: (
    ['core', 'bootstrap-kubeadm', 'controlplane-kubeadm', 'infrastructure-in-memory'] as const
  ).map((component) => ({
    component,
    pid: 1,
    started: false,
    restarts: component === 'core' ? 2 : 0,
    ready: true,
    logFile: '',
  })),
};
const healthy = started.components.map((c) => ({
  component: c.component,
  ready: true,
  webhookReachable: true,
}));

describe('gatewayStatus', () => {
  it('building: progress in status and in a condition, not Ready', () => {
    const s = gatewayStatus(
      facts({
        state: 'building',
        what: 'Cluster API managers',
        install: {
          state: 'installing',
          step: 2,
          totalSteps: 4,
          percent: 37,
          elapsedMs: 1000,
          message: 'building core',
        },
      }),
    );
    assert.equal(s.phase, 'Building');
    assert.deepEqual(s.build, {
      what: 'Cluster API managers',
      percent: 37,
      step: 2,
      totalSteps: 4,
      message: 'building core',
    });
    assert.match(s.message, /building the Cluster API managers: 37% \(step 2\/4\) building core/);
    assert.equal(cond(s, 'BinariesReady')?.status, 'False');
    assert.equal(cond(s, 'Ready')?.status, 'False');
    assert.ok(schema.Check(s), JSON.stringify([...schema.Errors(s)]));
  });

  it('ready: every manager with its version and restarts, every condition True', () => {
    const s = gatewayStatus(
      facts({ state: 'running', clusterApiVersion: 'v1.14.2', started, health: healthy }),
    );
    assert.equal(s.phase, 'Ready');
    assert.deepEqual(
      s.conditions.map((c) => [c.type, c.status]),
      [
        ['BinariesReady', 'True'],
        ['ControllersReady', 'True'],
        ['WebhooksReachable', 'True'],
        ['Ready', 'True'],
      ],
    );
    assert.equal(s.components?.length, 4);
    assert.deepEqual(s.components?.[0], {
      name: 'core',
      version: 'v1.14.2',
      ready: true,
      restarts: 2,
      webhookReachable: true,
    });
    assert.equal(s.clusters, 2);
    assert.equal(s.lastReport, now.toISOString());
    assert.deepEqual(s.kubernetesVersions, ['v1.35.0', 'v1.35.1']);
    assert.equal(s.build, undefined);
    assert.ok(schema.Check(s), JSON.stringify([...schema.Errors(s)]));
  });

  it('a manager down or a webhook unreachable: Degraded, naming it', () => {
    const health = healthy.map((h) =>
      h.component === 'controlplane-kubeadm'
        ? { ...h, ready: false, detail: 'readyz unreachable' }
        : h.component === 'core'
          ? { ...h, webhookReachable: false, detail: 'webhook server: ECONNREFUSED' }
          : h,
    );
    const s = gatewayStatus(facts({ state: 'running', clusterApiVersion: 'v1.14.2', started, health }));
    assert.equal(s.phase, 'Degraded');
    assert.match(s.message, /controlplane-kubeadm: readyz unreachable/);
    assert.equal(cond(s, 'ControllersReady')?.status, 'False');
    assert.match(cond(s, 'WebhooksReachable')?.message ?? '', /core: webhook server: ECONNREFUSED/);
    assert.equal(cond(s, 'Ready')?.status, 'False');
  });

  it('failed to start once built: binaries True, the rest False with the reason; a failed build: binaries False', () => {
    const start = gatewayStatus(
      facts({ state: 'failed', stage: 'start', message: 'core not ready after 120s' }),
    );
    assert.equal(start.phase, 'Failed');
    assert.equal(cond(start, 'BinariesReady')?.status, 'True');
    assert.equal(cond(start, 'ControllersReady')?.message, 'core not ready after 120s');
    const build = gatewayStatus(facts({ state: 'failed', stage: 'build', message: 'building the … failed' }));
    assert.equal(cond(build, 'BinariesReady')?.reason, 'BuildFailed');
    const missing = gatewayStatus(
      facts({ state: 'missing', message: 'not built: run scripts/setup-capi.sh' }),
    );
    assert.equal(cond(missing, 'BinariesReady')?.reason, 'NotBuilt');
  });

  it('keeps lastTransitionTime while a condition stays the same', () => {
    const first = gatewayStatus(
      facts({ state: 'running', clusterApiVersion: 'v1.14.2', started, health: healthy }),
    );
    const later = {
      ...facts({ state: 'running', clusterApiVersion: 'v1.14.2', started, health: healthy }, first),
      now: new Date('2026-12-07T11:00:00Z'),
    };
    const second = gatewayStatus(later);
    assert.equal(cond(second, 'Ready')?.lastTransitionTime, now.toISOString());
    assert.equal(second.lastReport, '2026-12-07T11:00:00.000Z');
  });
});
