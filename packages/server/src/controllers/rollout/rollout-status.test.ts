/** Tables over the Rollout's pure decisions: the gate, skips, which batch starts, and every phase transition. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Resource, RolloutSpec, RolloutStatus } from '@strata/api';
import {
  decide,
  gate,
  skipReason,
  startStatus,
  summariseRollout,
  type SummaryInput,
} from './rollout-status.js';

const NOW = new Date('2026-12-07T12:00:00Z');
const cond = (type: string, status = 'True', reason = 'Ok', message = '') => ({
  type,
  status,
  reason,
  message,
  lastTransitionTime: NOW.toISOString(),
});
const HEALTHY = [cond('AgentConnected'), cond('LayersApplied'), cond('NoDrift')];

function cluster(
  name: string,
  o: { status?: Record<string, unknown>; spec?: Record<string, unknown>; generation?: number } = {},
): Resource {
  return {
    apiVersion: 'strata.dev/v1alpha1',
    kind: 'Cluster',
    metadata: {
      name,
      tenant: 'default',
      project: 'default',
      uid: name,
      generation: o.generation ?? 2,
      resourceVersion: '1',
      labels: {},
      annotations: {},
      finalizers: [],
      createdAt: NOW.toISOString(),
    },
    spec: { provider: 'scripted', nodePools: [], profiles: [{ name: 'base', version: '1.0.0' }], ...o.spec },
    status: { phase: 'Running', observedGeneration: o.generation ?? 2, conditions: HEALTHY, ...o.status },
  } as unknown as Resource;
}

const SPEC: RolloutSpec = {
  target: { selector: 'env=prod' },
  change: { profile: { name: 'base', version: '1.1.0' } },
  strategy: { canary: { count: 1 }, batchSize: 2 },
};

describe('the health gate of one cluster', () => {
  const table: [string, Resource | undefined, number | undefined, string, string?][] = [
    ['healthy and observed', cluster('a'), 2, 'pass'],
    ['deleted', undefined, 2, 'fail', 'ClusterDeleted'],
    [
      'change not yet observed',
      cluster('a', { generation: 2, status: { observedGeneration: 1 } }),
      2,
      'wait',
      'NotObserved',
    ],
    [
      'Failed',
      cluster('a', { status: { phase: 'Failed', failure: { reason: 'X', message: 'provider said no' } } }),
      2,
      'fail',
      'ClusterFailed',
    ],
    [
      'a layer of the newest revision failed',
      cluster('a', {
        status: {
          reportedRevision: 2,
          desired: { revision: 2 },
          layers: [{ profile: 'base', name: 'cni', hash: 'h', state: 'Failed' }],
        },
      }),
      2,
      'fail',
      'LayerFailed',
    ],
    [
      'a failed layer of an older revision is not the verdict yet',
      cluster('a', {
        status: {
          phase: 'Updating',
          reportedRevision: 1,
          desired: { revision: 2 },
          layers: [{ profile: 'base', name: 'cni', hash: 'h', state: 'Failed' }],
        },
      }),
      2,
      'wait',
      'NotRunning',
    ],
    [
      'repave waiting for approval',
      cluster('a', { status: { pendingRepave: { id: 'r1', approved: false } } }),
      2,
      'wait',
      'RepaveAwaitingApproval',
    ],
    ['Updating', cluster('a', { status: { phase: 'Updating' } }), 2, 'wait', 'NotRunning'],
    [
      'agent gone',
      cluster('a', { status: { conditions: [cond('AgentConnected', 'False', 'AgentDisconnected')] } }),
      2,
      'wait',
      'AgentConnected',
    ],
    [
      'drifted',
      cluster('a', {
        status: {
          conditions: [cond('AgentConnected'), cond('LayersApplied'), cond('NoDrift', 'False', 'Drifted')],
        },
      }),
      2,
      'wait',
      'NoDrift',
    ],
  ];
  for (const [name, c, generation, verdict, reason] of table) {
    it(name, () => {
      const v = gate(c, generation);
      assert.equal(v.verdict, verdict);
      if (reason) assert.equal('reason' in v ? v.reason : undefined, reason);
    });
  }
  it('a repave waiting for its maintenance window waits, and the gate does not time out on it', () => {
    const c = cluster('a', {
      status: { pendingRepave: { id: 'r1', approved: false, waitingForWindow: '2026-12-12T00:00:00Z' } },
    });
    const v = gate(c, 2);
    assert.equal(v.verdict, 'wait');
    assert.equal('reason' in v ? v.reason : undefined, 'WaitingForWindow');
    const before: RolloutStatus = {
      phase: 'Progressing',
      batches: [{ name: 'canary', state: 'Running', clusters: 1, deadline: '2026-12-07T11:00:00Z' }],
      clusters: [{ project: 'default', name: 'a', batch: 0, state: 'Updating', generation: 2 }],
    };
    const st = summariseRollout({
      spec: SPEC,
      generation: 1,
      before,
      decision: {},
      written: new Map(),
      observed: new Map([['default/a', c]]),
      now: NOW,
    });
    assert.equal(st.clusters?.[0]?.state, 'Updating', 'past the deadline, still waiting');
    assert.equal(st.clusters?.[0]?.reason, 'WaitingForWindow');
  });
  it('asks only the checks the gate names', () => {
    const drifted = cluster('a', {
      status: { conditions: [cond('AgentConnected'), cond('NoDrift', 'False')] },
    });
    assert.equal(gate(drifted, 2, ['Running', 'AgentConnected']).verdict, 'pass');
  });
});

describe('who is skipped when the rollout starts, and why', () => {
  const table: [string, Resource, string | undefined, string | undefined][] = [
    ['in another rollout', cluster('a'), 'other', 'InOtherRollout'],
    ['paused', cluster('a', { spec: { policy: { paused: true } } }), undefined, 'Paused'],
    [
      'disconnected',
      cluster('a', { status: { conditions: [cond('AgentConnected', 'False', 'AgentDisconnected')] } }),
      undefined,
      'AgentDisconnected',
    ],
    ['Failed', cluster('a', { status: { phase: 'Failed' } }), undefined, 'ClusterFailed'],
    [
      'already at the target',
      cluster('a', { spec: { profiles: [{ name: 'base', version: '1.1.0' }] } }),
      undefined,
      'AlreadyAtTarget',
    ],
    ['to change', cluster('a'), undefined, undefined],
  ];
  for (const [name, c, held, reason] of table) {
    it(name, () => assert.equal(skipReason(c, SPEC, held)?.reason, reason));
  }
  it('plans the canary and batches over the clusters to change, in order', () => {
    const selected = ['e', 'd', 'c', 'b', 'a', 'z'].map((n) =>
      cluster(n, n === 'z' ? { spec: { policy: { paused: true } } } : {}),
    );
    const st = startStatus({ spec: SPEC, selected, held: new Map(), now: NOW });
    assert.deepEqual(
      st.batches?.map((b) => [b.name, b.clusters]),
      [
        ['canary', 1],
        ['batch-1', 2],
        ['batch-2', 2],
      ],
    );
    assert.deepEqual(
      st.clusters?.map((c) => [c.name, c.batch]),
      [
        ['a', 0],
        ['b', 1],
        ['c', 1],
        ['d', 2],
        ['e', 2],
        ['z', -1],
      ],
    );
    assert.deepEqual(st.clusters?.[0]?.previous, { profiles: [{ name: 'base', version: '1.0.0' }] });
  });
});

/** A started rollout: canary a, batch-1 b+c. */
function started(over: Partial<RolloutStatus> = {}): RolloutStatus {
  return {
    phase: 'Progressing',
    failures: 0,
    batches: [
      { name: 'canary', state: 'Waiting', clusters: 1 },
      { name: 'batch-1', state: 'Waiting', clusters: 2 },
    ],
    clusters: [
      { project: 'default', name: 'a', batch: 0, state: 'Waiting', previous: {} },
      { project: 'default', name: 'b', batch: 1, state: 'Waiting', previous: {} },
      { project: 'default', name: 'c', batch: 1, state: 'Waiting', previous: {} },
    ],
    ...over,
  };
}

describe('which batch starts', () => {
  const observed = new Map<string, Resource | undefined>();
  const running = (s: RolloutStatus) => {
    s.batches![0]!.state = 'Running';
    s.clusters![0]!.state = 'Updating';
    return s;
  };
  const done = (s: RolloutStatus, finishedAt = NOW.toISOString()) => {
    Object.assign(s.batches![0]!, { state: 'Succeeded', finishedAt });
    Object.assign(s.clusters![0]!, { state: 'Succeeded', generation: 3 });
    return s;
  };
  const table: [string, RolloutSpec, RolloutStatus, unknown][] = [
    ['not started: the canary', SPEC, started(), { kind: 'start', batch: 0 }],
    ['a batch is running: none', SPEC, running(started()), undefined],
    ['the canary passed: the next', SPEC, done(started()), { kind: 'start', batch: 1 }],
    ['paused: none', { ...SPEC, paused: true }, started(), undefined],
    ['aborted: none', { ...SPEC, aborted: true }, started(), undefined],
    ['more failures than allowed: none', SPEC, started({ failures: 1 }), undefined],
    [
      'failures within maxFailures: the next',
      { ...SPEC, strategy: { maxFailures: 1 } },
      started({ failures: 1 }),
      { kind: 'start', batch: 0 },
    ],
    [
      'within the pause between batches: none',
      { ...SPEC, strategy: { pauseSeconds: 60 } },
      done(started()),
      undefined,
    ],
    [
      'after the pause: the next',
      { ...SPEC, strategy: { pauseSeconds: 60 } },
      done(started(), '2026-12-07T11:58:00Z'),
      { kind: 'start', batch: 1 },
    ],
    [
      'a halted batch, then maxFailures raised: the next',
      { ...SPEC, strategy: { maxFailures: 1 } },
      (() => {
        const s = started({ failures: 1 });
        Object.assign(s.batches![0]!, { state: 'Failed', finishedAt: NOW.toISOString() });
        Object.assign(s.clusters![0]!, { state: 'Failed', generation: 3 });
        return s;
      })(),
      { kind: 'start', batch: 1 },
    ],
    [
      'rollback: the first changed batch',
      { ...SPEC, rollback: true },
      done(started()),
      { kind: 'rollback', batch: 0 },
    ],
    ['rollback with nothing changed: none', { ...SPEC, rollback: true }, started(), undefined],
  ];
  for (const [name, spec, status, action] of table) {
    it(name, () => assert.deepEqual(decide({ spec, status, observed, now: NOW }).action, action));
  }
  it('holds a batch while maxUnavailable clusters are unavailable', () => {
    const s = done(started());
    const spec = { ...SPEC, strategy: { maxUnavailable: 1 } };
    const sick = new Map([['default/a', cluster('a', { status: { phase: 'Updating' } })]]);
    assert.match(
      decide({ spec, status: s, observed: sick, now: NOW }).holding ?? '',
      /1 clusters unavailable/,
    );
    const fine = new Map([['default/a', cluster('a')]]);
    assert.deepEqual(decide({ spec, status: s, observed: fine, now: NOW }).action, {
      kind: 'start',
      batch: 1,
    });
  });
});

describe('the next status', () => {
  const base = (over: Partial<SummaryInput>): SummaryInput => ({
    spec: SPEC,
    generation: 1,
    before: started(),
    decision: {},
    written: new Map(),
    observed: new Map(),
    now: NOW,
    ...over,
  });
  it('starting a batch records each write: the generation, or why it was refused', () => {
    const st = summariseRollout(
      base({
        before: started(),
        decision: { action: { kind: 'start', batch: 1 } },
        written: new Map([
          ['default/b', { generation: 5 }],
          ['default/c', { reason: 'Refused', message: '/spec/profiles: two infra profiles' }],
        ]),
        spec: { ...SPEC, strategy: { maxFailures: 3 } },
        // As read before the write: the gate waits for the Cluster controller to see generation 5.
        observed: new Map([['default/b', cluster('b', { generation: 4 })]]),
      }),
    );
    assert.equal(st.batches?.[1]?.state, 'Running');
    assert.equal(st.clusters?.[1]?.reason, 'NotObserved');
    assert.equal(st.batches?.[1]?.deadline, '2026-12-07T12:10:00.000Z');
    assert.deepEqual(
      st.clusters?.slice(1).map((c) => [c.state, c.generation ?? c.reason]),
      [
        ['Updating', 5],
        ['Failed', 'Refused'],
      ],
    );
    assert.equal(st.failures, 1);
    assert.equal(st.phase, 'Progressing');
  });
  const table: [string, Partial<SummaryInput>, string][] = [
    ['nothing started yet', {}, 'Progressing'],
    ['paused', { spec: { ...SPEC, paused: true } }, 'Paused'],
    ['aborted', { spec: { ...SPEC, aborted: true } }, 'Aborted'],
    [
      'a failure beyond maxFailures halts',
      {
        before: started({
          clusters: [{ project: 'default', name: 'a', batch: 0, state: 'Failed', reason: 'X' }],
        }),
      },
      'Halted',
    ],
    [
      'every batch passed',
      {
        before: started({
          batches: [{ name: 'canary', state: 'Succeeded', clusters: 1 }],
          clusters: [{ project: 'default', name: 'a', batch: 0, state: 'Succeeded' }],
        }),
      },
      'Succeeded',
    ],
    ['not started yet', { before: {} }, 'Pending'],
    ['rollback with nothing to restore', { spec: { ...SPEC, rollback: true } }, 'RolledBack'],
  ];
  for (const [name, over, phase] of table) {
    it(name, () => assert.equal(summariseRollout(base(over)).phase, phase));
  }
  it('the gate passes an updated cluster, and the batch with it; a time-out fails one', () => {
    const before = started();
    Object.assign(before.batches![1]!, { state: 'Running', deadline: '2026-12-07T12:00:00Z' });
    Object.assign(before.clusters![1]!, { state: 'Updating', generation: 2 });
    Object.assign(before.clusters![2]!, { state: 'Updating', generation: 3 });
    const st = summariseRollout(
      base({
        before,
        spec: { ...SPEC, strategy: { maxFailures: 1 } },
        observed: new Map([
          ['default/b', cluster('b')],
          ['default/c', cluster('c', { generation: 3, status: { observedGeneration: 2 } })],
        ]),
      }),
    );
    assert.deepEqual(
      st.clusters?.slice(1).map((c) => [c.state, c.reason]),
      [
        ['Succeeded', undefined],
        ['Failed', 'GateTimeout'],
      ],
    );
    assert.equal(st.batches?.[1]?.state, 'Succeeded', 'one failure is within maxFailures');
  });
  it('a rollback batch passes when its clusters come back healthy', () => {
    const before = started();
    before.batches![0]!.state = 'Succeeded';
    before.batches![0]!.rollback = { state: 'Running', deadline: '2026-12-07T13:00:00Z' };
    Object.assign(before.clusters![0]!, { state: 'RollingBack', generation: 4 });
    const st = summariseRollout(
      base({
        before,
        spec: { ...SPEC, rollback: true },
        observed: new Map([['default/a', cluster('a', { generation: 4 })]]),
      }),
    );
    assert.equal(st.clusters?.[0]?.state, 'RolledBack');
    assert.equal(st.batches?.[0]?.rollback?.state, 'Succeeded');
    assert.equal(st.phase, 'RolledBack');
    assert.equal(st.finishedAt, NOW.toISOString());
  });
});
