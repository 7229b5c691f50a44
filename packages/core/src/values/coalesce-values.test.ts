import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonObject, JsonValue } from '../util/json.js';
import { coalesceValues, mergePatch } from './coalesce-values.js';
import { getValueAt, removeValueAt, splitValuePath } from './value-path.js';

describe('coalesceValues', () => {
  const cases: { name: string; given: JsonValue[]; expect: JsonObject }[] = [
    {
      name: 'maps merge recursively',
      given: [{ a: { b: 1, c: 2 } }, { a: { c: 3, d: 4 } }],
      expect: { a: { b: 1, c: 3, d: 4 } },
    },
    { name: 'arrays replace', given: [{ a: [1, 2, 3] }, { a: [9] }], expect: { a: [9] } },
    {
      name: 'scalars replace maps and maps replace scalars',
      given: [
        { a: { b: 1 }, c: 1 },
        { a: 'x', c: { d: 1 } },
      ],
      expect: { a: 'x', c: { d: 1 } },
    },
    {
      name: 'null deletes a key',
      given: [
        { a: 1, b: { c: 1, d: 2 } },
        { a: null, b: { c: null } },
      ],
      expect: { b: { d: 2 } },
    },
    {
      name: 'nulls inside new maps are dropped',
      given: [{}, { a: { b: null, c: 1 } }],
      expect: { a: { c: 1 } },
    },
    { name: 'non-map layers are skipped', given: [{ a: 1 }, null, 'x', [1]], expect: { a: 1 } },
    { name: 'three layers, last wins', given: [{ r: 1 }, { r: 2 }, { r: 3 }], expect: { r: 3 } },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(coalesceValues(...c.given), c.expect));

  // Property-style checks over random values (seeded, so failures reproduce).
  const rand = seeded(42);
  const samples = Array.from(
    { length: 300 },
    () => [randomObject(rand, 3), randomObject(rand, 3), randomObject(rand, 3)] as const,
  );
  it('property: merging with {} is identity (minus nulls)', () => {
    for (const [a] of samples) assert.deepEqual(coalesceValues(a, {}), coalesceValues(a));
  });
  it('property: idempotent (x merged with x is x)', () => {
    for (const [a] of samples) {
      const x = coalesceValues(a);
      assert.deepEqual(coalesceValues(x, x), x);
    }
  });
  it('property: associative like RFC 7396 for null-free patches', () => {
    for (const [a, b, c] of samples) {
      const [x, y, z] = [coalesceValues(a), coalesceValues(b), coalesceValues(c)];
      assert.deepEqual(coalesceValues(coalesceValues(x, y), z), coalesceValues(x, coalesceValues(y, z)));
    }
  });
  it('property: every top-level key of the last layer wins', () => {
    for (const [a, b] of samples) {
      const out = coalesceValues(a, b);
      for (const [k, v] of Object.entries(b)) {
        if (v === null) assert.ok(!(k in out));
        else if (typeof v !== 'object' || Array.isArray(v)) assert.deepEqual(out[k], v);
      }
    }
  });
  it('property: inputs are never modified', () => {
    for (const [a, b] of samples) {
      const before = JSON.stringify([a, b]);
      const out = coalesceValues(a, b);
      if (typeof out.k0 === 'object' && out.k0 !== null && !Array.isArray(out.k0)) out.k0.mutated = 1;
      assert.equal(JSON.stringify([a, b]), before);
    }
  });
  it('mergePatch replaces non-map targets', () => assert.deepEqual(mergePatch(1, { a: 1 }), { a: 1 }));
});

describe('value paths', () => {
  const cases: { name: string; given: string; expect: string[] }[] = [
    { name: 'dotted', given: 'a.b.c', expect: ['a', 'b', 'c'] },
    {
      name: 'bracketed key with dots',
      given: 'podAnnotations["prometheus.io/scrape"]',
      expect: ['podAnnotations', 'prometheus.io/scrape'],
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(splitValuePath(c.given), c.expect));
  it('get and remove', () => {
    const v = { a: { b: 1, c: 2 } };
    assert.equal(getValueAt(v, 'a.b'), 1);
    assert.equal(getValueAt(v, 'a.x.y'), undefined);
    assert.deepEqual(removeValueAt(v, 'a.b'), { a: { c: 2 } });
    assert.deepEqual(removeValueAt(v, 'z.q'), v);
    assert.deepEqual(v, { a: { b: 1, c: 2 } });
  });
});

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function randomObject(rand: () => number, depth: number): JsonObject {
  const out: JsonObject = {};
  const n = Math.floor(rand() * 4);
  for (let i = 0; i < n; i++) out[`k${Math.floor(rand() * 4)}`] = randomValue(rand, depth - 1);
  return out;
}

function randomValue(rand: () => number, depth: number): JsonValue {
  const r = rand();
  if (depth > 0 && r < 0.35) return randomObject(rand, depth);
  if (r < 0.45) return [Math.floor(rand() * 3)];
  if (r < 0.55) return null;
  if (r < 0.75) return Math.floor(rand() * 10);
  return rand() < 0.5 ? 'x' : true;
}
