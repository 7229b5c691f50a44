import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { sleep } from './sleep.js';

describe('sleep', () => {
  it('rejects with the abort reason when aborted', async () => {
    const controller = new AbortController();
    const pending = sleep(10_000, controller.signal);
    controller.abort(new Error('stop'));
    await assert.rejects(pending, /stop/);
  });
});
