import { screen, within } from '@testing-library/react';
import type { ClusterPlan, ProfileDiff } from '@strata/api';
import { describe, expect, it } from 'vitest';
import { cellsOf, renderUi } from '../test/render';
import { PlanView } from './PlanView';
import { ProfileDiffView } from './ProfileDiffView';

const upgrade: ClusterPlan = {
  layers: {
    from: 'sha256:a',
    to: 'sha256:b',
    added: [{ profile: 'base', name: 'monitoring', index: 5 }],
    removed: [],
    reordered: [],
    changed: [
      {
        profile: 'base',
        name: 'team-ns',
        hash: { from: 'sha256:aaaaaaaaaaaaaaaa', to: 'sha256:bbbbbbbbbbbbbbbb' },
        fields: [],
        values: {
          changes: [
            { path: '/replicas', type: 'changed', from: 1, to: 3 },
            { path: '/team', type: 'added', to: 'shop' },
          ],
          text: '--- a\n+++ b\n@@ -1 +1,2 @@\n-replicas: 1\n+replicas: 3\n+team: shop\n',
        },
        objects: {
          added: [],
          removed: [],
          changed: [
            {
              object: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'web-apps', name: 'team' },
              changes: [{ path: '/data/tier', type: 'added', to: 'gold' }],
            },
          ],
        },
      },
    ],
    unchanged: false,
  },
  pools: [
    { name: 'cp', controlPlane: true, repave: { reasons: ['os'] }, inPlace: [] },
    {
      name: 'workers',
      controlPlane: false,
      repave: { reasons: ['os'] },
      scale: { from: 1, to: 2 },
      inPlace: [],
    },
  ],
  kubernetesVersion: { from: 'v1.36.3', to: 'v1.36.3' },
  repave: ['cp', 'workers'],
  approvalRequired: true,
  paused: false,
  unchanged: false,
};

describe('PlanView', () => {
  it('says whether nodes are repaved, which pools, and that approval is needed', () => {
    renderUi(<PlanView plan={upgrade} />);
    expect(screen.getByTestId('plan-repave').textContent).toBe('yes — cp, workers');
    expect(screen.getByText('needs approval')).toBeTruthy();
    const pools = screen.getByRole('table', { name: 'Node pool changes' });
    const rows = within(pools).getAllByRole('row').slice(1);
    expect(rows[0]!.textContent).toContain('cp (control plane)');
    expect(rows[0]!.textContent).toContain('repave (os)');
    expect(rows[1]!.textContent).toContain('scale 1 → 2; repave (os)');
  });

  it('shows per-layer changes with the structured values diff and the text diff', () => {
    renderUi(<PlanView plan={upgrade} />);
    expect(screen.getByText(/Added: monitoring \(base, position 6\)/)).toBeTruthy();
    const values = screen.getByRole('table', { name: 'Value changes of team-ns' });
    const cells = cellsOf(values);
    expect(cells).toEqual([
      ['/replicas', 'changed', '1', '3'],
      ['/team', 'added', '', 'shop'],
    ]);
    const text = screen.getByLabelText('Values diff of team-ns');
    const added = [...text.querySelectorAll('.diff-line-add')].map((l) => l.textContent);
    const removed = [...text.querySelectorAll('.diff-line-del')].map((l) => l.textContent);
    expect(added).toEqual(['+replicas: 3', '+team: shop']);
    expect(removed).toEqual(['-replicas: 1']);
    expect(screen.getByText('changed ConfigMap web-apps/team (1 value)')).toBeTruthy();
    const object = screen.getByRole('table', { name: 'Changes to ConfigMap web-apps/team' });
    expect(
      within(object)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual(['/data/tier', 'added', '', 'gold']);
  });

  it('says "no" for an in-place change and "nothing" for an unchanged plan', () => {
    const inPlace: ClusterPlan = { ...upgrade, pools: [], repave: [], approvalRequired: false };
    const { rerender } = renderUi(<PlanView plan={inPlace} />);
    expect(screen.getByTestId('plan-repave').textContent).toBe('no');
    expect(screen.queryByText('needs approval')).toBeNull();
    rerender(<PlanView plan={{ ...inPlace, layers: undefined, unchanged: true }} />);
    expect(screen.getByText('Nothing would change.')).toBeTruthy();
  });
});

describe('ProfileDiffView', () => {
  it('lists layer and variable changes with values diffs', () => {
    const diff: ProfileDiff = {
      from: { name: 'base', version: '1.0.0' },
      to: { name: 'base', version: '1.1.0' },
      added: [{ name: 'monitoring', index: 5 }],
      removed: [{ name: 'legacy', index: 4 }],
      reordered: [],
      changed: [
        {
          name: 'kubernetes',
          index: { from: 1, to: 1 },
          fields: [{ field: 'version', from: '1.36.3', to: '1.36.4' }],
          values: {
            changes: [{ path: '/podCIDR', type: 'changed', from: '10.244.0.0/16', to: '10.42.0.0/16' }],
            text: '-podCIDR: 10.244.0.0/16\n+podCIDR: 10.42.0.0/16\n',
          },
        },
      ],
      variables: { added: ['region'], removed: [], changed: [{ name: 'team', fields: ['default'] }] },
      fields: [],
      unchanged: false,
    };
    renderUi(<ProfileDiffView diff={diff} />);
    expect(screen.getByText('Layers added: monitoring')).toBeTruthy();
    expect(screen.getByText('Layers removed: legacy')).toBeTruthy();
    expect(screen.getByText(/\+region/)).toBeTruthy();
    expect(screen.getByText(/team \(default\)/)).toBeTruthy();
    const section = screen.getByRole('region', { name: 'Layer kubernetes changes' });
    expect(section.textContent).toContain('version: 1.36.3 → 1.36.4');
    expect(within(section).getByRole('table', { name: 'Value changes of kubernetes' }).textContent).toContain(
      '10.42.0.0/16',
    );
  });
});
