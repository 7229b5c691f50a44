import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { cellsOf, renderUi } from '../../test/render';
import { MatchedItems, UnmatchedItems } from './GeneratedItems';

const rowsOf = (name: string) => cellsOf(screen.getByRole('table', { name }));

describe('generated profile items', () => {
  it('lists which layer each item became, selected objects included', () => {
    renderUi(
      <MatchedItems
        matched={[
          { item: 'helm release shop/web (chart web 1.2.3)', layer: 'web' },
          { item: 'ConfigMap shop/settings', layer: 'objects-shop' },
          { item: 'Namespace shop', layer: 'cluster-objects' },
        ]}
      />,
    );
    expect(rowsOf('Matched items')).toEqual([
      ['helm release shop/web (chart web 1.2.3)', 'web'],
      ['ConfigMap shop/settings', 'objects-shop'],
      ['Namespace shop', 'cluster-objects'],
    ]);
  });

  it('puts selected objects gone since discovery first, and says they were not copied', () => {
    renderUi(
      <UnmatchedItems
        unmatched={[
          { item: 'cni calico 3.27.0', reason: 'no CNI pack for calico in the catalog' },
          { item: 'Deployment shop/web', reason: 'not found' },
          { item: 'Namespace legacy', reason: 'not found' },
        ]}
        requested={[
          { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' },
          { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'settings' },
          { apiVersion: 'v1', kind: 'Namespace', name: 'legacy' },
        ]}
      />,
    );
    expect(screen.getByRole('region', { name: 'Unmatched items' }).textContent).toContain(
      'Not in the profile (3)',
    );
    expect(rowsOf('Unmatched items')).toEqual([
      ['Deployment shop/web', 'not found'],
      ['Namespace legacy', 'not found'],
      ['cni calico 3.27.0', 'no CNI pack for calico in the catalog'],
    ]);
    expect(screen.getByTestId('objects-not-copied').textContent).toBe(
      '2 of the 3 selected objects were not copied (Deployment shop/web, Namespace legacy): gone since discovery, or the agent could not read them. The reasons are below.',
    );
  });

  it('has no "not copied" note when every selected object was read', () => {
    renderUi(
      <UnmatchedItems
        unmatched={[]}
        requested={[{ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'settings' }]}
      />,
    );
    expect(screen.queryByTestId('objects-not-copied')).toBeNull();
    expect(screen.getByText('Everything discovered is described by a layer.')).toBeTruthy();
  });
});
