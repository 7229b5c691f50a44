import type { ListResult, Resource, WatchEvent } from '@strata/api';
import { describe, expect, it } from 'vitest';
import { applyEvents, keyOf } from './live';
import { can } from './permissions';

const obj = (name: string, rv: string, spec: Record<string, unknown> = {}): Resource =>
  ({
    apiVersion: 'strata.dev/v1alpha1',
    kind: 'Cluster',
    metadata: { name, resourceVersion: rv },
    spec,
    status: {},
  }) as unknown as Resource;
const list = (items: Resource[], rv = '10'): ListResult<Resource> => ({
  apiVersion: 'strata.dev/v1alpha1',
  kind: 'List',
  items,
  resourceVersion: rv,
});

describe('applyEvents', () => {
  it('adds, replaces and removes objects and moves the resourceVersion forward', () => {
    const events: WatchEvent[] = [
      { type: 'ADDED', object: obj('c', '11') },
      { type: 'MODIFIED', object: obj('a', '12', { x: 1 }) },
      { type: 'DELETED', object: obj('b', '13') },
    ];
    const out = applyEvents(list([obj('a', '5'), obj('b', '6')]), events);
    expect(out.items.map((i) => [i.metadata.name, i.metadata.resourceVersion])).toEqual([
      ['a', '12'],
      ['c', '11'],
    ]);
    expect(out.resourceVersion).toBe('13');
  });

  it('ignores events older than what the list holds (no going back after a re-list)', () => {
    const out = applyEvents(list([obj('a', '20')], '20'), [{ type: 'MODIFIED', object: obj('a', '15') }]);
    expect(out.items[0]!.metadata.resourceVersion).toBe('20');
    expect(out.resourceVersion).toBe('20');
  });

  it('keys versioned kinds by name and version', () => {
    expect(keyOf(obj('base', '1', { version: '1.0.0' }))).toBe('base@1.0.0');
    const out = applyEvents(list([obj('base', '1', { version: '1.0.0' })]), [
      { type: 'ADDED', object: obj('base', '2', { version: '1.1.0' }) },
    ]);
    expect(out.items).toHaveLength(2);
  });
});

describe('can', () => {
  const viewer = {
    user: 'v',
    tenant: 'default',
    tenantPermissions: [],
    projects: { default: ['*.get', '*.list', '*.watch'] },
  };
  const admin = { user: 'a', tenant: 'default', tenantPermissions: ['*.*'], projects: {} };
  it('hides writes from viewers and shows them to admins', () => {
    expect(can(viewer, 'cluster', 'get', 'default')).toBe(true);
    expect(can(viewer, 'cluster', 'create', 'default')).toBe(false);
    expect(can(viewer, 'cluster', 'get', 'other')).toBe(false);
    expect(can(admin, 'cluster', 'delete', 'default')).toBe(true);
    expect(can(admin, 'tenant', 'create')).toBe(false);
  });
});
