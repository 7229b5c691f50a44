import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyMergePatch } from './merge-patch.js';

describe('applyMergePatch (RFC 7396)', () => {
  const rows: { name: string; target: unknown; patch: unknown; expect: unknown }[] = [
    {
      name: 'merges maps',
      target: { a: 1, b: { c: 2 } },
      patch: { b: { d: 3 } },
      expect: { a: 1, b: { c: 2, d: 3 } },
    },
    { name: 'null deletes', target: { a: 1, b: 2 }, patch: { b: null }, expect: { a: 1 } },
    { name: 'arrays replace', target: { a: [1, 2] }, patch: { a: [3] }, expect: { a: [3] } },
    { name: 'scalar replaces map', target: { a: { b: 1 } }, patch: { a: 'x' }, expect: { a: 'x' } },
  ];
  for (const r of rows) it(r.name, () => assert.deepEqual(applyMergePatch(r.target, r.patch), r.expect));

  it('refuses keys that reach the prototype', () => {
    const patch = JSON.parse('{"spec":{"__proto__":{"revoked":true}}}') as unknown;
    assert.throws(() => applyMergePatch({ spec: {} }, patch), /__proto__/);
    assert.equal(({} as Record<string, unknown>).revoked, undefined);
  });

  it('refuses absurdly deep patches with a clear error instead of overflowing the stack', () => {
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 1000; i++) deep = deep.x = {};
    assert.throws(() => applyMergePatch({}, root), /at most 64 levels/);
  });
});
