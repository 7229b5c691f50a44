import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventLoopStallError, StallGuard } from './stall-guard.js';

/** Spins for `ms` of CPU time (not wall time: on a busy machine the spin gets only part of a core). */
function busyWait(ms: number): void {
  const start = process.cpuUsage();
  while (process.cpuUsage(start).user < ms * 1000) {
    // a synchronous block of the event loop
  }
}

describe('event-loop stall guard', () => {
  it('measures a synchronous block and ignores an asynchronous wait of the same length', async () => {
    const guard = new StallGuard();
    const blocked = await guard.measure(async () => {
      await sleep(5);
      busyWait(250);
      return 'done';
    });
    assert.equal(blocked.result, 'done');
    assert.ok(blocked.blockedMs >= 200, `a 250 ms spin is a block (measured ${blocked.blockedMs} ms)`);
    const waited = await guard.measure(() => sleep(250));
    assert.ok(waited.blockedMs < 100, `a 250 ms sleep is no block (measured ${waited.blockedMs} ms)`);
  });

  it('fails work that blocks longer than the limit, naming it', async () => {
    const guard = new StallGuard();
    await assert.rejects(
      guard.guard('POST /v1/slow', 100, async () => busyWait(200)),
      (err: unknown) =>
        err instanceof EventLoopStallError && err.label === 'POST /v1/slow' && err.blockedMs >= 100,
    );
    assert.equal(await guard.guard('GET /v1/fast', 100, async () => 42), 42);
  });

  it('attributes a block to every window open while it happened', async () => {
    const guard = new StallGuard();
    const [a, b] = await Promise.all([
      guard.measure(async () => {
        await sleep(20);
        busyWait(150);
      }),
      guard.measure(() => sleep(300)),
    ]);
    assert.ok(a.blockedMs >= 100 && b.blockedMs >= 100, `${a.blockedMs} / ${b.blockedMs}`);
  });
});
