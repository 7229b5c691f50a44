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

  it('adds at most `jitter` of the delay at random, still capped at max', () => {
    const high = new KeyedBackoff({ baseMs: 100, maxMs: 250, jitter: 0.5, random: () => 0.999 });
    assert.deepEqual([high.failure('k'), high.failure('k'), high.failure('k')], [150, 250, 250]);
    const low = new KeyedBackoff({ baseMs: 100, maxMs: 10_000, jitter: 0.5, random: () => 0 });
    assert.deepEqual([low.failure('k'), low.failure('k')], [100, 200]);
  });

  it('does not overflow after many failures', () => {
    const b = new KeyedBackoff({ baseMs: 1, maxMs: 60_000, jitter: 0 });
    let last = 0;
    for (let i = 0; i < 2000; i++) last = b.failure('k');
    assert.equal(last, 60_000);
  });
});
