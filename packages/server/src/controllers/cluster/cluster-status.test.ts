/**
 * The Cluster's status as a function of what a pass observed: one row per situation, no store, no provider.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Compile } from 'typebox/compile';
import {
  CLUSTER_CONDITIONS,
  CLUSTER_PHASES,
  ClusterStatus,
  type ClusterPhase,
  type Condition,
  type Resource,
} from '@strata/api';
import type { ResolvedStack } from '@strata/core';
import type { ClusterProgress, ProviderCluster } from '@strata/provider-sdk';
import type { ClusterScope } from './cluster-scope.js';
import { summarise } from './cluster-status.js';

const NOW = new Date('2026-12-01T10:00:00Z');
const EARLIER = '2026-11-30T10:00:00Z';
const statusSchema = Compile(ClusterStatus);

const cond = (type: string, status: Condition['status'], reason: string, message = ''): Condition => ({
  type,
  status,
  reason,
  message,
  lastTransitionTime: EARLIER,
  observedGeneration: 1,
});

function progress(over: Partial<ClusterProgress> = {}): ClusterProgress {
  return {
    infrastructureReady: true,
    controlPlaneReady: true,
    nodePools: [{ name: 'cp', desired: 1, ready: 1, outdated: 0, version: 'v1.36.3' }],
    kubernetesVersion: 'v1.36.3',
    endpoint: 'https://127.0.0.1:6443',
    message: 'all nodes Ready',
    ready: true,
    ...over,
  };
}

const stack = {
  layers: [
    { profile: { name: 'base' }, name: 'os' },
    { profile: { name: 'base' }, name: 'k8s' },
  ],
  hash: 'sha256:stack',
} as unknown as ResolvedStack;
const target = { name: 'c-1234', spec: {}, kubernetesVersion: 'v1.36.3' } as unknown as ProviderCluster;
const applied = (revision: number): ClusterStatus => ({
  reportedRevision: revision,
  layers: [
    { profile: 'base', name: 'os', hash: 'h', state: 'Applied' },
    { profile: 'base', name: 'k8s', hash: 'h', state: 'Applied' },
  ],
});

/** A pass that got as far as the agent (control plane up, revision 3 published). */
function scope(before: ClusterStatus, over: Partial<ClusterScope> = {}): ClusterScope {
  const cluster = {
    kind: 'Cluster',
    metadata: {
      name: 'c',
      tenant: 't',
      project: 'p',
      uid: 'u',
      generation: 2,
      resourceVersion: '9',
      finalizers: [],
    },
    spec: {},
    status: before,
  } as unknown as Resource;
  return { cluster, before, now: NOW, attempt: 1, events: [], ...over };
}
const agentUp = {
  connected: true,
  message: 'waiting for the agent to report',
  version: '0.1.0',
  lastSeen: EARLIER,
};
const reached = (over: Partial<ClusterScope> = {}): Partial<ClusterScope> => ({
  target,
  stack,
  progress: progress(),
  agent: agentUp,
  desired: { revision: 3, stackHash: 'sha256:stack', updatesAvailable: [] },
  ...over,
});
const options = { failAfterAttempts: 8 };
const conditionsOf = (s: ClusterStatus) => (s.conditions ?? []).map((c) => [c.type, c.status, c.reason]);

interface PhaseRow {
  name: string;
  before: ClusterStatus;
  scope: Partial<ClusterScope>;
  phase: ClusterPhase;
  message?: RegExp;
}

const phaseRows: PhaseRow[] = [
  {
    name: 'paused: nothing moves, it says so',
    before: { phase: 'Pending' },
    scope: { paused: { held: true } },
    phase: 'Pending',
  },
  {
    name: 'paused while the provider cannot hold its own controllers: it says so',
    before: { phase: 'Running', message: 'running' },
    scope: {
      paused: { held: false, message: 'paused, but the provider still acts: gateway gw is not ready' },
    },
    phase: 'Running',
    message: /paused, but the provider still acts: gateway gw is not ready/,
  },
  {
    name: 'infrastructure being built',
    before: { phase: 'Pending' },
    scope: { target, progress: progress({ infrastructureReady: false, message: 'creating network' }) },
    phase: 'Provisioning',
    message: /creating network/,
  },
  {
    name: 'control plane up, waiting for the agent',
    before: { phase: 'Provisioning' },
    scope: reached({ agent: { connected: false, message: 'waiting for the agent to report' } }),
    phase: 'Provisioning',
    message: /waiting for the agent/,
  },
  {
    name: 'agent reporting, revision not applied yet',
    before: { phase: 'Provisioning' },
    scope: reached(),
    phase: 'Provisioning',
    message: /applying revision 3/,
  },
  {
    name: 'every layer of the revision applied',
    before: { phase: 'Provisioning', ...applied(3) },
    scope: reached(),
    phase: 'Running',
    message: /2 layers applied, all nodes Ready/,
  },
  {
    name: 'running, a new revision rolls',
    before: { phase: 'Running', ...applied(2) },
    scope: reached(),
    phase: 'Updating',
    message: /applying revision 3/,
  },
  {
    name: 'running, a silent agent does not hold the phase',
    before: { phase: 'Running', ...applied(3) },
    scope: reached({ agent: { connected: false, message: 'x', lastSeen: EARLIER } }),
    phase: 'Running',
  },
  {
    name: 'a repave starts',
    before: { phase: 'Running', ...applied(3) },
    scope: reached({
      repave: { state: 'Starting', id: 'r1', reason: 'OS', pools: ['cp', 'w'], target: 'v/1' },
    }),
    phase: 'Updating',
    message: /repaving cp, w/,
  },
  {
    name: 'a repave waiting for approval does not hold the phase',
    before: { phase: 'Running', ...applied(3) },
    scope: reached({ repave: { state: 'Waiting', id: 'r1', reason: 'OS', pools: ['cp'], target: 'v/1' } }),
    phase: 'Running',
  },
  {
    name: 'the spec cannot be satisfied',
    before: { phase: 'Running' },
    scope: { invalidSpec: 'the spec cannot be satisfied: /spec/profiles/0: gone' },
    phase: 'Failed',
    message: /cannot be satisfied/,
  },
  {
    name: 'the provider refuses',
    before: { phase: 'Provisioning' },
    scope: {
      target,
      providerFailure: { condition: 'InfrastructureReady', message: 'no v1.99', terminal: true },
    },
    phase: 'Failed',
  },
  {
    name: 'a transient error keeps the phase (Pending moves on to Provisioning)',
    before: { phase: 'Pending' },
    scope: {
      target,
      providerFailure: { condition: 'InfrastructureReady', message: 'timeout', terminal: false },
    },
    phase: 'Provisioning',
  },
  {
    name: 'transient errors, too many attempts',
    before: { phase: 'Provisioning' },
    scope: {
      attempt: 8,
      providerFailure: { condition: 'InfrastructureReady', message: 'timeout', terminal: false },
    },
    phase: 'Failed',
    message: /8 attempts failed; still retrying: timeout/,
  },
  {
    name: 'deleting',
    before: { phase: 'Running' },
    scope: { deleting: { message: 'waiting for machines to go' } },
    phase: 'Deleting',
    message: /machines to go/,
  },
];

describe('summarise: the phase', () => {
  for (const row of phaseRows) {
    it(row.name, () => {
      const status = summarise(scope(row.before, row.scope), options);
      assert.equal(status.phase, row.phase);
      if (row.message) assert.match(status.message ?? '', row.message);
      assert.ok(statusSchema.Check(status), JSON.stringify([...statusSchema.Errors(status)]));
    });
  }

  it('the rows cover every phase the controller writes (Deleted is never written: the object goes)', () => {
    const covered = new Set(phaseRows.map((r) => r.phase));
    assert.deepEqual(
      CLUSTER_PHASES.filter((p) => !covered.has(p)),
      ['Deleted'],
    );
  });

  it('records why it failed, and leaving Failed clears it', () => {
    const failed = summarise(scope({ phase: 'Running' }, { invalidSpec: 'broken' }), options);
    assert.deepEqual(failed.failure, { reason: 'InvalidSpec', message: 'broken' });
    const refused = summarise(
      scope({}, { providerFailure: { condition: 'AgentConnected', message: 'no', terminal: true } }),
      options,
    );
    assert.deepEqual(refused.failure, { reason: 'ProviderRefused', message: 'no' });
    const recovered = summarise(scope(failed, reached()), options);
    assert.equal(recovered.failure, undefined);
    assert.equal(recovered.phase, 'Provisioning');
  });
});

interface ConditionRow {
  name: string;
  before?: ClusterStatus;
  scope: Partial<ClusterScope>;
  expect: [string, Condition['status'], string][];
}

const conditionRows: ConditionRow[] = [
  {
    name: 'infrastructure, control plane and pools coming up',
    scope: {
      target,
      progress: progress({
        infrastructureReady: false,
        controlPlaneReady: false,
        nodePools: [{ name: 'cp', desired: 1, ready: 0, outdated: 0 }],
      }),
    },
    expect: [
      ['SpecValid', 'True', 'Valid'],
      ['InfrastructureReady', 'False', 'Provisioning'],
      ['ControlPlaneReady', 'False', 'Starting'],
      ['NodePoolsReady', 'False', 'Scaling'],
    ],
  },
  {
    name: 'everything in force',
    before: applied(3),
    scope: reached(),
    expect: [
      ['SpecValid', 'True', 'Valid'],
      ['InfrastructureReady', 'True', 'Provisioned'],
      ['ControlPlaneReady', 'True', 'Ready'],
      ['NodePoolsReady', 'True', 'Ready'],
      ['AgentConnected', 'True', 'Connected'],
      ['LayersApplied', 'True', 'Applied'],
      ['NoDrift', 'True', 'InSync'],
    ],
  },
  {
    name: 'no agent yet; the revision is not reported',
    scope: reached({ agent: { connected: false, message: 'starting' } }),
    expect: [
      ['AgentConnected', 'False', 'WaitingForAgent'],
      ['LayersApplied', 'False', 'WaitingForAgent'],
    ],
  },
  {
    name: 'the agent went silent',
    scope: reached({ agent: { connected: false, message: 'x', lastSeen: EARLIER } }),
    expect: [['AgentConnected', 'False', 'AgentDisconnected']],
  },
  {
    name: 'the revision is reported, some layers still applying',
    before: { reportedRevision: 3, layers: [{ profile: 'base', name: 'os', hash: 'h', state: 'Applied' }] },
    scope: reached(),
    expect: [['LayersApplied', 'False', 'Applying']],
  },
  {
    name: 'a layer failed, another drifted',
    before: {
      reportedRevision: 3,
      layers: [
        { profile: 'base', name: 'os', hash: 'h', state: 'Drifted' },
        { profile: 'base', name: 'k8s', hash: 'h', state: 'Failed', message: 'boom' },
      ],
    },
    scope: reached(),
    expect: [
      ['LayersApplied', 'False', 'LayerFailed'],
      ['NoDrift', 'False', 'Drifted'],
    ],
  },
  {
    name: 'the spec no longer resolves',
    before: { conditions: [cond('SpecValid', 'True', 'Valid')] },
    scope: { invalidSpec: 'no' },
    expect: [['SpecValid', 'False', 'InvalidSpec']],
  },
  ...(['InfrastructureReady', 'AgentConnected', 'NodePoolsReady'] as const).flatMap((type) => [
    {
      name: `${type}: a transient provider error`,
      scope: { providerFailure: { condition: type, message: 'later', terminal: false } },
      expect: [[type, 'False', 'ProviderError']] as ConditionRow['expect'],
    },
    {
      name: `${type}: the provider refuses`,
      scope: { providerFailure: { condition: type, message: 'never', terminal: true } },
      expect: [[type, 'False', 'ProviderRefused']] as ConditionRow['expect'],
    },
  ]),
];

describe('summarise: conditions', () => {
  for (const row of conditionRows) {
    it(row.name, () => {
      const status = summarise(scope(row.before ?? {}, row.scope), options);
      const got = conditionsOf(status);
      for (const expected of row.expect)
        assert.ok(
          got.some((c) => c.join() === expected.join()),
          `${expected.join()} in ${JSON.stringify(got)}`,
        );
    });
  }

  it('the rows reach every condition, True and False', () => {
    const seen = new Set(conditionRows.flatMap((r) => r.expect.map(([type, status]) => `${type}=${status}`)));
    for (const type of CLUSTER_CONDITIONS) {
      assert.ok(seen.has(`${type}=True`) && seen.has(`${type}=False`), type);
    }
  });

  it('keeps the order of CLUSTER_CONDITIONS, and moves lastTransitionTime only when the value changes', () => {
    const before: ClusterStatus = {
      ...applied(3),
      conditions: [cond('NoDrift', 'True', 'InSync'), cond('AgentConnected', 'False', 'WaitingForAgent')],
    };
    const status = summarise(scope(before, reached()), options);
    assert.deepEqual(
      (status.conditions ?? []).map((c) => c.type),
      [...CLUSTER_CONDITIONS],
    );
    const at = (type: string) => status.conditions?.find((c) => c.type === type)?.lastTransitionTime;
    assert.equal(at('NoDrift'), EARLIER, 'unchanged value: time kept');
    assert.equal(at('AgentConnected'), NOW.toISOString(), 'False → True: now');
    assert.ok(status.conditions?.every((c) => c.observedGeneration === 2));
  });

  it('writes what the pass saw: endpoint, pools, revision, agent, updates, and observedGeneration', () => {
    const status = summarise(
      scope(
        { paused: true, updatesAvailable: [{ profile: 'base', from: '1', to: '2' }] },
        reached({ agent: { connected: false, message: 'x' } }),
      ),
      options,
    );
    assert.equal(status.paused, undefined, 'no longer paused');
    assert.equal(status.endpoint, 'https://127.0.0.1:6443');
    assert.equal(status.infrastructureName, 'c-1234');
    assert.deepEqual(status.nodePools, [{ name: 'cp', desired: 1, ready: 1, version: 'v1.36.3' }]);
    assert.deepEqual(status.desired, { revision: 3, stackHash: 'sha256:stack' });
    assert.equal(status.updatesAvailable, undefined, 'none any more');
    assert.deepEqual(status.agent, { connected: false });
    assert.equal(status.health, 'Unknown');
    assert.equal(status.observedGeneration, 2);
  });

  it('shows the repave waiting for approval, starting, and gone when done', () => {
    const request = { id: 'r1', reason: 'OS', pools: ['cp'], target: 'v/1' };
    const waiting = summarise(scope({}, reached({ repave: { state: 'Waiting', ...request } })), options);
    assert.deepEqual(waiting.pendingRepave, { ...request, approved: false });
    const starting = summarise(
      scope(waiting, reached({ repave: { state: 'Starting', ...request, approvedBy: 'ana' } })),
      options,
    );
    assert.deepEqual(starting.pendingRepave, { ...request, approved: true, approvedBy: 'ana' });
    const done = summarise(scope(starting, reached({ repave: { state: 'Done', ...request } })), options);
    assert.equal(done.pendingRepave, undefined);
  });
});
