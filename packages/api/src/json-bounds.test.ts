import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonBoundsProblem } from './json-bounds.js';

describe('jsonBoundsProblem', () => {
  it('accepts values within the bounds', () => {
    assert.equal(jsonBoundsProblem({ a: [1, { b: 'x' }] }, { maxDepth: 3, maxBytes: 100 }), undefined);
    assert.equal(jsonBoundsProblem('plain', { maxDepth: 0 }), undefined);
    assert.equal(
      jsonBoundsProblem({ a: {} }, { maxDepth: 1 }),
      undefined,
      'an empty container adds no depth',
    );
  });

  it('names the container that is nested too deep, with escaped pointer segments', () => {
    assert.deepEqual(jsonBoundsProblem({ 'a/b': [{ '~c': { d: 1 } }] }, { maxDepth: 3 }), {
      path: '/a~1b/0/~0c',
      message: 'nested deeper than 3 levels',
    });
  });

  it('stops at the first value that makes the document too large', () => {
    const problem = jsonBoundsProblem({ list: ['short', 'x'.repeat(200)] }, { maxDepth: 8, maxBytes: 100 });
    assert.deepEqual(problem, { path: '/list/1', message: 'larger than 100 bytes' });
  });

  it('walks a 60,000-element array and a 10,000-level document without recursion', () => {
    const wide = Array.from({ length: 60_000 }, (_, i) => `v${i}`);
    assert.equal(jsonBoundsProblem({ wide }, { maxDepth: 2 }), undefined);
    let deep: unknown = 'leaf';
    for (let i = 0; i < 10_000; i++) deep = [deep];
    assert.equal(jsonBoundsProblem(deep, { maxDepth: 128 })?.message, 'nested deeper than 128 levels');
    assert.equal(jsonBoundsProblem(deep, { maxDepth: 128 })?.path, '/0'.repeat(128));
  });
});
