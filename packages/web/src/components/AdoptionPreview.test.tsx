import { fireEvent, screen } from '@testing-library/react';
import type { AdoptionPreview } from '@strata/api';
import { describe, expect, it } from 'vitest';
import { cellsOf, renderUi } from '../test/render';
import { AdoptionPreviewView, adoptionChanges } from './AdoptionPreview';

const quiet: AdoptionPreview = {
  stackHash: 'sha256:0123456789abcdef0123',
  at: new Date().toISOString(),
  noChanges: true,
  dryRun: true,
  layers: [
    {
      profile: 'legacy',
      name: 'ubuntu',
      objects: [],
      note: 'informational: the OS is not applied by the agent',
    },
    {
      profile: 'legacy',
      name: 'web',
      release: { name: 'web', namespace: 'web', action: 'adopt', revision: 2 },
      objects: [
        {
          object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'web', name: 'web' },
          action: 'adopt',
        },
        { object: { apiVersion: 'v1', kind: 'Service', namespace: 'web', name: 'web' }, action: 'adopt' },
      ],
    },
    {
      profile: 'legacy',
      name: 'objects-shop',
      objects: [
        {
          object: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'settings' },
          action: 'adopt',
        },
      ],
    },
  ],
};

const changing: AdoptionPreview = {
  ...quiet,
  noChanges: false,
  dryRun: false,
  layers: [
    quiet.layers[0]!,
    {
      profile: 'legacy',
      name: 'web',
      release: {
        name: 'web',
        namespace: 'web',
        action: 'upgrade',
        revision: 2,
        reason: 'values differ: /replicaCount 2 → 3',
      },
      objects: [
        {
          object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'web', name: 'web' },
          action: 'update',
          changes: [{ path: '/spec/replicas', type: 'changed', from: 2, to: 3 }],
        },
      ],
    },
    {
      profile: 'legacy',
      name: 'objects-shop',
      objects: [
        {
          object: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'settings' },
          action: 'adopt',
        },
        {
          object: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'extra' },
          action: 'create',
        },
      ],
    },
  ],
};

const rows = () => cellsOf(screen.getByRole('table', { name: 'Adoption preview' }));

describe('AdoptionPreviewView', () => {
  it('says that adoption changes nothing, and lists every object and release as adopted', () => {
    renderUi(<AdoptionPreviewView adoption={quiet} />);
    expect(screen.getByTestId('adoption-verdict').textContent).toBe(
      'Adoption changes nothing in the cluster',
    );
    expect(screen.getByText(/3 objects and 1 Helm release are adopted as they are/)).toBeTruthy();
    expect(screen.getByText(/server-side apply dry run/)).toBeTruthy();
    expect(rows()).toEqual([
      ['ubuntulegacy', '—', '', 'informational: the OS is not applied by the agent'],
      ['weblegacy', 'Helm release web/web (revision 2)', 'adopt', 'same chart and values: not upgraded'],
      ['weblegacy', 'Deployment web/web', 'adopt', 'matches: ownership taken over, content unchanged'],
      ['weblegacy', 'Service web/web', 'adopt', 'matches: ownership taken over, content unchanged'],
      [
        'objects-shoplegacy',
        'ConfigMap shop/settings',
        'adopt',
        'matches: ownership taken over, content unchanged',
      ],
    ]);
    expect(adoptionChanges(quiet)).toBe(0);
  });

  it('counts the real changes, with the action and the reason or changed values of each', () => {
    renderUi(<AdoptionPreviewView adoption={changing} />);
    expect(screen.getByTestId('adoption-verdict').textContent).toBe('3 changes in the cluster');
    expect(screen.getByText(/Compared field by field/)).toBeTruthy();
    expect(rows().filter((r) => r[2] !== '' && r[2] !== 'adopt')).toEqual([
      ['weblegacy', 'Helm release web/web (revision 2)', 'upgrade', 'values differ: /replicaCount 2 → 3'],
      ['weblegacy', 'Deployment web/web', 'update', '/spec/replicas: 2 → 3'],
      ['objects-shoplegacy', 'ConfigMap shop/extra', 'create', 'not in the cluster: created'],
    ]);
    expect(adoptionChanges(changing)).toBe(3);
  });

  it('filters the table to the changes', () => {
    renderUi(<AdoptionPreviewView adoption={changing} />);
    expect(rows()).toHaveLength(5);
    fireEvent.click(screen.getByRole('switch', { name: 'Show only changes' }));
    expect(rows().map((r) => r[2])).toEqual(['upgrade', 'update', 'create']);
  });

  it('says why there is no preview', () => {
    renderUi(<AdoptionPreviewView unavailable="the agent of legacy is not connected" />);
    const alert = screen.getByTestId('adoption-unavailable');
    expect(alert.textContent).toContain('No adoption preview');
    expect(alert.textContent).toContain('the agent of legacy is not connected');
    expect(screen.queryByRole('table', { name: 'Adoption preview' })).toBeNull();
  });
});
