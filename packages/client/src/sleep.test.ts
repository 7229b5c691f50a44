import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { backoffDelayMs, sleep } from './backoff.js';

describe('backoffDelayMs', () => {
  it('grows exponentially up to the maximum, scaled into [0.5, 1) by jitter', () => {
    const low = { initialMs: 100, maxMs: 1000, random: () => 0 };
    const high = { initialMs: 100, maxMs: 1000, random: () => 0.999999 };
    assert.deepEqual(
      [0, 1, 2, 3, 4, 10].map((a) => backoffDelayMs(a, low)),
      [50, 100, 200, 400, 500, 500],
    );
    assert.deepEqual(
      [0, 1, 2, 3, 4, 10].map((a) => backoffDelayMs(a, high)),
      [100, 200, 400, 800, 1000, 1000],
    );
  });
});

describe('sleep', () => {
  it('rejects with the abort reason when aborted', async () => {
    const controller = new AbortController();
    const pending = sleep(10_000, controller.signal);
    controller.abort(new Error('stop'));
    await assert.rejects(pending, /stop/);
  });
});
