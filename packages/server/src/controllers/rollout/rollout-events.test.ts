/** The events of a Rollout's transitions: one per change, none for a pass that changed nothing. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RolloutStatus } from '@strata/api';
import { rolloutEvents } from './rollout-events.js';

const waiting: RolloutStatus = {
  phase: 'Progressing',
  batches: [{ name: 'canary', state: 'Waiting', clusters: 1 }],
  clusters: [{ project: 'default', name: 'a', batch: 0, state: 'Waiting' }],
};
const running: RolloutStatus = {
  ...waiting,
  batches: [{ name: 'canary', state: 'Running', clusters: 1 }],
  clusters: [{ project: 'default', name: 'a', batch: 0, state: 'Updating' }],
};
const failed: RolloutStatus = {
  ...running,
  phase: 'Halted',
  message: 'halted: a: LayerFailed',
  batches: [{ name: 'canary', state: 'Failed', clusters: 1 }],
  clusters: [
    {
      project: 'default',
      name: 'a',
      batch: 0,
      state: 'Failed',
      reason: 'LayerFailed',
      message: 'cni failed',
    },
  ],
};
const rollingBack: RolloutStatus = {
  ...failed,
  phase: 'RollingBack',
  batches: [{ name: 'canary', state: 'Failed', clusters: 1, rollback: { state: 'Running' } }],
  clusters: [{ project: 'default', name: 'a', batch: 0, state: 'RollingBack' }],
};
const rolledBack: RolloutStatus = {
  ...rollingBack,
  phase: 'RolledBack',
  batches: [{ name: 'canary', state: 'Failed', clusters: 1, rollback: { state: 'Succeeded' } }],
  clusters: [{ project: 'default', name: 'a', batch: 0, state: 'RolledBack' }],
};

describe('rollout events', () => {
  const table: [string, RolloutStatus, RolloutStatus, string[]][] = [
    ['the start', {}, waiting, ['Started']],
    ['a batch starts', waiting, running, ['BatchStarted']],
    ['a pass that changes nothing', running, running, []],
    ['a cluster fails and the rollout halts', running, failed, ['BatchFailed', 'ClusterFailed', 'Halted']],
    ['a rollback starts', failed, rollingBack, ['BatchRollbackStarted', 'RollingBack']],
    ['the rollback ends', rollingBack, rolledBack, ['BatchRolledBack', 'RolledBack']],
    ['paused', running, { ...running, phase: 'Paused' }, ['Paused']],
    [
      'nothing to change at all',
      {},
      { phase: 'Succeeded', clusters: [], batches: [] },
      ['Started', 'Succeeded'],
    ],
  ];
  for (const [name, before, after, reasons] of table) {
    it(name, () =>
      assert.deepEqual(
        rolloutEvents(before, after).map((e) => e.reason),
        reasons,
      ),
    );
  }
  it('a failed cluster is a Warning naming it and why', () => {
    const e = rolloutEvents(running, failed).find((x) => x.reason === 'ClusterFailed');
    assert.equal(e?.type, 'Warning');
    assert.equal(e?.message, 'a: LayerFailed: cni failed');
  });
});
