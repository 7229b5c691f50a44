import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { RolloutPlan, RolloutStatus } from '@strata/api';
import { progressBar, rolloutPlanText, rolloutStatusText } from './rollout-view.js';

describe('rollout views', () => {
  it('a plan groups the clusters by outcome, with their batch, layer changes, and why', () => {
    const plan: RolloutPlan = {
      batches: [
        { name: 'canary', clusters: 1 },
        { name: 'batch-1', clusters: 2 },
      ],
      clusters: [
        {
          project: 'retail',
          name: 'eu1',
          batch: 0,
          outcome: 'change',
          layers: { added: [], removed: [], changed: ['base/cni'] },
        },
        {
          project: 'retail',
          name: 'eu2',
          batch: 1,
          outcome: 'change',
          layers: { added: [], removed: [], changed: [] },
          repave: ['cp'],
          approvalRequired: true,
        },
        {
          project: 'retail',
          name: 'eu3',
          batch: 1,
          outcome: 'blocked',
          reason: 'Refused',
          message: '/spec/profiles: two infra profiles',
        },
        {
          project: 'retail',
          name: 'eu4',
          batch: -1,
          outcome: 'skip',
          reason: 'Paused',
          message: 'the cluster is paused',
        },
      ],
      summary: { change: 2, skip: 1, blocked: 1 },
    };
    assert.equal(
      rolloutPlanText(plan),
      `Rollout plan: 2 to change, 1 skipped, 1 blocked
Batches:
  canary: 1 cluster(s)
  batch-1: 2 cluster(s)
Would change:
  retail/eu1 [canary]: ~base/cni
  retail/eu2 [batch-1]: repave cp (needs approval)
Blocked (the rollout would fail them, and halt):
  retail/eu3 [batch-1]: /spec/profiles: two infra profiles
Skipped:
  retail/eu4: Paused (the cluster is paused)
`,
    );
  });

  it('a status shows a bar per batch and the failing clusters with the reason', () => {
    const status: RolloutStatus = {
      phase: 'Halted',
      message: 'halted: 1 cluster(s) failed',
      batches: [
        { name: 'canary', state: 'Failed', clusters: 1 },
        { name: 'batch-1', state: 'Waiting', clusters: 2 },
      ],
      clusters: [
        {
          project: 'retail',
          name: 'eu1',
          batch: 0,
          state: 'Failed',
          reason: 'LayerFailed',
          message: 'layer base/cni failed',
        },
        { project: 'retail', name: 'eu2', batch: 1, state: 'Waiting' },
        { project: 'retail', name: 'eu3', batch: 1, state: 'Waiting' },
        { project: 'retail', name: 'eu4', batch: -1, state: 'Skipped', reason: 'AlreadyAtTarget' },
      ],
    };
    assert.equal(
      rolloutStatusText('r', status),
      `rollout/r: Halted (halted: 1 cluster(s) failed)
  canary     [....................] 0/1 Failed, 1 failed
  batch-1    [....................] 0/2 Waiting
Failed:
  retail/eu1: LayerFailed: layer base/cni failed
Skipped:
  retail/eu4: AlreadyAtTarget
`,
    );
    assert.equal(progressBar(1, 2), '[##########..........]');
  });
});
