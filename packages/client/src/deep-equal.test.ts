import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { deepEqual } from './deep-equal.js';

describe('deepEqual', () => {
  const rows: { name: string; a: unknown; b: unknown; expect: boolean }[] = [
    {
      name: 'key order does not matter',
      a: { x: 1, y: [1, { z: 2 }] },
      b: { y: [1, { z: 2 }], x: 1 },
      expect: true,
    },
    { name: 'array order matters', a: [1, 2], b: [2, 1], expect: false },
    { name: 'undefined members are absent', a: { x: 1, y: undefined }, b: { x: 1 }, expect: true },
    { name: 'null is not an empty object', a: null, b: {}, expect: false },
    { name: 'array is not an object', a: [], b: {}, expect: false },
    { name: 'different values', a: { x: '1' }, b: { x: 1 }, expect: false },
  ];
  for (const row of rows) it(row.name, () => assert.equal(deepEqual(row.a, row.b), row.expect));
});
