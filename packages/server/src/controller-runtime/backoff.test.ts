import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeyedBackoff } from './backoff.js';

describe('KeyedBackoff', () => {
  it('doubles from base up to max, per key, without jitter', () => {
    const b = new KeyedBackoff({ baseMs: 100, maxMs: 1000, jitter: 0 });
    assert.deepEqual(
      Array.from({ length: 6 }, () => b.failure('a')),
      [100, 200, 400, 800, 1000, 1000],
    );
    assert.equal(b.failure('b'), 100, 'keys back off independently');
    b.reset('a');
    assert.equal(b.failures('a'), 0);
    assert.equal(b.failure('a'), 100, 'a success starts over');
  });

  it('draws each delay between half and all of the ceiling by default', () => {
    const low = new KeyedBackoff({ baseMs: 100, maxMs: 250, random: () => 0 });
    assert.deepEqual([low.failure('k'), low.failure('k'), low.failure('k')], [50, 100, 125]);
    const high = new KeyedBackoff({ baseMs: 100, maxMs: 250, random: () => 0.999999 });
    assert.deepEqual([high.failure('k'), high.failure('k'), high.failure('k')], [100, 200, 250]);
  });
});
