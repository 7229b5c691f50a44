import { screen } from '@testing-library/react';
import type { RolloutPlan, RolloutStatus } from '@strata/api';
import { describe, expect, it } from 'vitest';
import { cellsOf, renderUi } from '../test/render';
import { RolloutDetailView, RolloutPlanView } from './RolloutView';
import { preparedRollout } from './UpdatesCard';
import { parse } from 'yaml';

const halted: RolloutStatus = {
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
    {
      project: 'retail',
      name: 'eu4',
      batch: -1,
      state: 'Skipped',
      reason: 'Paused',
      message: 'the cluster is paused',
    },
  ],
};

describe('rollout views', () => {
  it('shows the phase, a badge per batch, and the failing and skipped clusters with why', () => {
    renderUi(<RolloutDetailView status={halted} />);
    expect(screen.getByLabelText('rollout phase Halted')).toBeTruthy();
    expect(screen.getByLabelText('canary Failed 0 of 1')).toBeTruthy();
    expect(screen.getByLabelText('batch-1 Waiting 0 of 2')).toBeTruthy();
    expect(cellsOf(screen.getByRole('table', { name: 'Failed clusters' }))).toEqual([
      ['retail/eu1', 'canary', 'LayerFailed', 'layer base/cni failed'],
    ]);
    expect(cellsOf(screen.getByRole('table', { name: 'Skipped clusters' }))).toEqual([
      ['retail/eu4', '-', 'Paused', 'the cluster is paused'],
    ]);
  });

  it('groups a plan by outcome', () => {
    const plan: RolloutPlan = {
      batches: [{ name: 'canary', clusters: 1 }],
      clusters: [
        {
          project: 'retail',
          name: 'eu1',
          batch: 0,
          outcome: 'change',
          layers: { added: [], removed: [], changed: ['base/cni'] },
          repave: ['cp'],
          approvalRequired: false,
          window: { open: false, next: '2026-12-12T00:00:00.000Z', source: 'cluster' },
        },
        {
          project: 'retail',
          name: 'eu2',
          batch: -1,
          outcome: 'skip',
          reason: 'AlreadyAtTarget',
          message: 'the cluster already has this change',
        },
      ],
      summary: { change: 1, skip: 1, blocked: 0 },
    };
    renderUi(<RolloutPlanView plan={plan} />);
    expect(screen.getByText(/1 to change, 1 skipped, 0 blocked/)).toBeTruthy();
    expect(cellsOf(screen.getByRole('table', { name: 'Would change' }))).toEqual([
      [
        'retail/eu1',
        'canary',
        '~base/cni, repave cp, waits for the maintenance window (opens 2026-12-12T00:00:00.000Z)',
      ],
    ]);
    expect(cellsOf(screen.getByRole('table', { name: 'Skipped' }))).toEqual([
      ['retail/eu2', '-', 'AlreadyAtTarget: the cluster already has this change'],
    ]);
    expect(screen.queryByRole('table', { name: 'Blocked' })).toBeNull();
  });

  it('prepares a rollout of the outdated clusters to the newer version', () => {
    const doc = parse(preparedRollout({ profile: 'base', to: '1.2.0' }, ['eu1', 'eu2'])) as {
      metadata: { name: string };
      spec: { target: { clusters: string[] }; change: { profile: { name: string; version: string } } };
    };
    expect(doc.metadata.name).toBe('base-1-2-0');
    expect(doc.spec.target.clusters).toEqual(['eu1', 'eu2']);
    expect(doc.spec.change.profile).toEqual({ name: 'base', version: '1.2.0' });
  });
});
