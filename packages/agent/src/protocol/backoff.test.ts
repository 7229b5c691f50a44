import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Backoff } from './backoff.js';

describe('Backoff', () => {
  it('doubles up to the ceiling, between half and all of it', () => {
    const low = new Backoff({ baseMs: 100, maxMs: 1000, random: () => 0 });
    const high = new Backoff({ baseMs: 100, maxMs: 1000, random: () => 0.999999 });
    assert.deepEqual(
      Array.from({ length: 6 }, () => low.next()),
      [50, 100, 200, 400, 500, 500],
    );
    assert.deepEqual(
      Array.from({ length: 6 }, () => high.next()),
      [100, 200, 400, 800, 1000, 1000],
    );
  });

  it('spreads agents that failed together', () => {
    const delays = new Set(Array.from({ length: 50 }, () => new Backoff({ baseMs: 1000 }).next()));
    assert.ok(delays.size > 10, `expected spread, got ${delays.size} distinct delays`);
  });

  it('starts over after a success', () => {
    const b = new Backoff({ baseMs: 100, random: () => 0 });
    b.next();
    b.next();
    b.reset();
    assert.equal(b.next(), 50);
    assert.equal(b.failures, 1);
  });
});
