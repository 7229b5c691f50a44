import type { DiscoveredWorkload } from '@strata/api';
import { describe, expect, it } from 'vitest';
import {
  MAX_SELECTED_OBJECTS,
  filterWorkloads,
  groupByNamespace,
  toSelectedObjects,
  toggleGroup,
  toggleWorkload,
  workloadKey,
} from './workload-selection';

const web: DiscoveredWorkload = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' };
const ns: DiscoveredWorkload = { apiVersion: 'v1', kind: 'Namespace', name: 'shop' };
const cm: DiscoveredWorkload = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'billing', name: 'web' };
const workloads = [web, ns, cm];

describe('workload selection', () => {
  it('groups cluster-scoped workloads first, then namespaces by name', () => {
    expect(groupByNamespace(workloads).map((g) => [g.label, g.items.map((w) => w.name)])).toEqual([
      ['cluster-scoped', ['shop']],
      ['billing', ['web']],
      ['shop', ['web']],
    ]);
  });

  it.each([
    { name: 'kind', query: 'deployment', expect: [web] },
    { name: 'namespace', query: 'billing', expect: [cm] },
    { name: 'name, every word', query: 'web shop', expect: [web] },
    { name: 'cluster-scoped', query: 'cluster-scoped', expect: [ns] },
    { name: 'not the API version', query: 'apps/v1', expect: [] },
    { name: 'blank', query: '  ', expect: workloads },
  ])('filters by $name', ({ query, expect: want }) => {
    expect(filterWorkloads(workloads, query)).toEqual(want);
  });

  it('sends only selected workloads still discovered, with apiVersion, without a namespace when cluster-scoped', () => {
    const gone = workloadKey({ apiVersion: 'v1', kind: 'Service', namespace: 'shop', name: 'old' });
    expect(toSelectedObjects(workloads, new Set([workloadKey(ns), gone, workloadKey(web)]))).toEqual([
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' },
      { apiVersion: 'v1', kind: 'Namespace', name: 'shop' },
    ]);
  });

  it('refuses a click past the limit and allows unselecting at it', () => {
    const full = new Set(Array.from({ length: MAX_SELECTED_OBJECTS }, (_, i) => `k${i}`));
    expect(toggleWorkload(full, 'extra', 'ConfigMap a/b')).toEqual({
      refused: `ConfigMap a/b was not selected: a profile takes at most ${MAX_SELECTED_OBJECTS} objects. Clear some first.`,
    });
    const less = toggleWorkload(full, 'k0', 'x');
    expect('next' in less && less.next.size).toBe(MAX_SELECTED_OBJECTS - 1);
    const one = new Set(['k0']);
    const keys = Array.from({ length: MAX_SELECTED_OBJECTS }, (_, i) => `k${i}`);
    expect(toggleGroup(one, keys, 'big')).toEqual({ next: new Set(keys) });
    expect(toggleGroup(new Set(['other']), keys, 'big')).toHaveProperty('refused');
    expect(toggleGroup(new Set(keys), keys, 'big')).toEqual({ next: new Set() });
  });
});
