import { fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { renderUi } from '../test/render';
import { LayerStack, type StackLayer } from './LayerStack';

const layers: StackLayer[] = [
  {
    key: 'base/ubuntu',
    name: 'ubuntu',
    profile: 'base',
    source: 'ubuntu 24.04.1',
    state: 'Applied',
    hash: 'sha256:1111222233334444aaaa',
  },
  {
    key: 'base/kubernetes',
    name: 'kubernetes',
    profile: 'base',
    source: 'kubernetes 1.36.3',
    state: 'Applied',
    hash: 'sha256:5555666677778888bbbb',
  },
  {
    key: 'base/team-ns',
    name: 'team-ns',
    profile: 'base',
    source: 'inline manifest',
    state: 'Drifted',
    hash: 'sha256:99990000ccccdddd',
    message: '1 object differs from the desired state',
    drift: [
      {
        object: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'web-apps', name: 'settings' },
        path: '/data/team',
        desired: 'web',
        live: 'hacked',
      },
      {
        object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'web-apps', name: 'api' },
        path: '/spec/replicas',
        desired: 2,
        live: 5,
      },
    ],
  },
  {
    key: 'base/csi',
    name: 'sandbox-csi',
    profile: 'base',
    source: 'sandbox-csi 0.1.0',
    state: 'Failed',
    hash: 'sha256:eeeeffff00001111',
    message: 'timed out waiting for DaemonSet',
  },
];

describe('LayerStack', () => {
  it('lists every layer in order with its state, short hash and message', () => {
    renderUi(<LayerStack layers={layers} label="Layers of cluster shop" />);
    const table = screen.getByRole('table', { name: 'Layers of cluster shop' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((r) => r.getAttribute('data-layer'))).toEqual([
      'ubuntu',
      'kubernetes',
      'team-ns',
      'sandbox-csi',
    ]);
    expect(within(rows[0]!).getByText('Applied')).toBeTruthy();
    expect(within(rows[0]!).getByText('111122223333')).toBeTruthy();
    expect(within(rows[2]!).getByText('Drifted')).toBeTruthy();
    expect(within(rows[3]!).getByText('Failed')).toBeTruthy();
    expect(within(rows[3]!).getByText('timed out waiting for DaemonSet')).toBeTruthy();
  });

  it('shows the drift of drifted layers: object, path, desired and live value', () => {
    renderUi(<LayerStack layers={layers} label="Layers" />);
    const drift = screen.getByRole('table', { name: 'Drift of layer team-ns' });
    const rows = within(drift).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(2);
    expect(rows[0]!.textContent).toContain('ConfigMap web-apps/settings');
    expect(rows[0]!.textContent).toContain('/data/team');
    expect(
      within(rows[0]!)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual(['ConfigMap web-apps/settings', '/data/team', 'web', 'hacked']);
    expect(
      within(rows[1]!)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual(['Deployment web-apps/api', '/spec/replicas', '2', '5']);
    expect(screen.getByText('2 differences')).toBeTruthy();
    // Layers without drift get no drift table.
    expect(screen.queryByRole('table', { name: 'Drift of layer ubuntu' })).toBeNull();
  });

  it('selects a layer from its Details button (keyboard reachable) and shows its details', () => {
    const onSelect = vi.fn();
    const { rerender } = renderUi(<LayerStack layers={layers} label="Layers" onSelect={onSelect} />);
    fireEvent.click(screen.getByRole('button', { name: 'Details of layer kubernetes' }));
    expect(onSelect).toHaveBeenCalledWith('base/kubernetes');
    rerender(<LayerStack layers={layers} label="Layers" onSelect={onSelect} selected="base/kubernetes" />);
    const details = screen.getByRole('region', { name: 'Layer kubernetes details' });
    expect(details.textContent).toContain('sha256:5555666677778888bbbb');
  });

  it('renders the stack diagram with one node per layer', () => {
    const { container } = renderUi(<LayerStack layers={layers} label="Layers" />);
    expect(screen.getByRole('group', { name: 'Layers (diagram)' })).toBeTruthy();
    expect(container.querySelectorAll('.layer-node')).toHaveLength(4);
  });
});
