import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Backoff, backoffDelayMs } from './backoff.js';

describe('backoffDelayMs', () => {
  const attempts = [0, 1, 2, 3, 4, 10];
  const rows: { name: string; options: Parameters<typeof backoffDelayMs>[1]; expect: number[] }[] = [
    {
      name: 'equal jitter, lowest draw: half the ceiling',
      options: { baseMs: 100, maxMs: 1000, random: () => 0 },
      expect: [50, 100, 200, 400, 500, 500],
    },
    {
      name: 'equal jitter, highest draw: the whole ceiling',
      options: { baseMs: 100, maxMs: 1000, random: () => 0.999999 },
      expect: [100, 200, 400, 800, 1000, 1000],
    },
    {
      name: 'no jitter: exact doubling up to max',
      options: { baseMs: 100, maxMs: 1000, jitter: 0, random: () => 0 },
      expect: [100, 200, 400, 800, 1000, 1000],
    },
    {
      name: 'full jitter, lowest draw: zero',
      options: { baseMs: 100, maxMs: 1000, jitter: 1, random: () => 0 },
      expect: [0, 0, 0, 0, 0, 0],
    },
    {
      name: 'defaults: 1 s doubling up to 60 s',
      options: { jitter: 0 },
      expect: [1000, 2000, 4000, 8000, 16_000, 60_000],
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      assert.deepEqual(
        attempts.map((a) => backoffDelayMs(a, row.options)),
        row.expect,
      );
    });
  }

  it('does not overflow after many failures, and treats a negative attempt as the first', () => {
    assert.equal(backoffDelayMs(5000, { baseMs: 1, maxMs: 60_000, jitter: 0 }), 60_000);
    assert.equal(backoffDelayMs(-3, { baseMs: 100, jitter: 0 }), 100);
  });

  it('spreads callers that failed together', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelayMs(0, { baseMs: 1000 })));
    assert.ok(delays.size > 10, `expected spread, got ${delays.size} distinct delays`);
    for (const d of delays) assert.ok(d >= 500 && d <= 1000, `${d} outside [500, 1000]`);
  });
});

describe('Backoff', () => {
  it('doubles per failure and starts over after a success', () => {
    const b = new Backoff({ baseMs: 100, random: () => 0 });
    assert.deepEqual([b.next(), b.next(), b.next()], [50, 100, 200]);
    assert.equal(b.failures, 3);
    b.reset();
    assert.equal(b.failures, 0);
    assert.equal(b.next(), 50);
    assert.equal(b.failures, 1);
  });
});
