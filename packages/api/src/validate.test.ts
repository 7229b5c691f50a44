import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RoleKind, UserKind } from './kinds/index.js';
import { validateObject } from './validate.js';

describe('validateObject', () => {
  const cases: { name: string; kind: typeof RoleKind | typeof UserKind; given: unknown; expect: string[] }[] =
    [
      {
        name: 'valid role',
        kind: RoleKind,
        given: { metadata: { name: 'ops' }, spec: { permissions: ['cluster.get'] } },
        expect: [],
      },
      {
        name: 'unknown fields are named',
        kind: RoleKind,
        given: { metadata: { name: 'ops', colour: 'red' }, spec: { permissions: [], extra: 1 } },
        expect: ['/metadata/colour', '/spec/extra'],
      },
      {
        name: 'invalid DNS-1123 name',
        kind: RoleKind,
        given: { metadata: { name: 'Ops_Team' }, spec: { permissions: [] } },
        expect: ['/metadata/name'],
      },
      {
        name: 'wrong type and missing field',
        kind: UserKind,
        given: { metadata: { name: 'ann' }, spec: { disabled: 'yes', email: 7 } },
        expect: ['/spec/disabled', '/spec/email'],
      },
      {
        name: 'spec missing',
        kind: RoleKind,
        given: { metadata: { name: 'ops' } },
        expect: ['/spec'],
      },
    ];
  for (const c of cases) {
    it(c.name, () => {
      const paths = validateObject(c.kind, c.given).map((i) => i.path);
      assert.deepEqual([...new Set(paths)].sort(), [...c.expect].sort());
    });
  }
});
