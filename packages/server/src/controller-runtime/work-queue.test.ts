import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '@strata/testing';
import { WorkQueue } from './work-queue.js';

function queue(clock = new FakeClock()) {
  const depths: number[] = [];
  const q = new WorkQueue<string>({ id: (k) => k, clock, onDepth: (d) => depths.push(d) });
  return { q, clock, depths };
}

describe('WorkQueue', () => {
  it('de-duplicates keys that are waiting', async () => {
    const { q } = queue();
    q.add('a');
    q.add('b');
    q.add('a');
    assert.equal(q.depth, 2);
    assert.equal((await q.get())?.key, 'a');
    assert.equal((await q.get())?.key, 'b');
    assert.equal(q.depth, 0);
  });

  it('never hands out a key that is being processed; re-adds it after done', async () => {
    const { q } = queue();
    q.add('a');
    const first = await q.get();
    assert.equal(first?.key, 'a');
    q.add('a');
    q.add('a');
    assert.equal(q.depth, 0, 'a is in progress, so it waits');
    let second: string | undefined;
    void q.get().then((item) => (second = item?.key));
    await FakeClock.settle();
    assert.equal(second, undefined);
    q.done('a');
    await FakeClock.settle();
    assert.equal(second, 'a', 'handed out once after done');
    q.done('a');
    assert.equal(q.depth, 0);
  });

  it('delays addAfter by the fake clock, keeping the earliest time per key', async () => {
    const { q, clock } = queue();
    q.addAfter('a', 1000);
    q.addAfter('a', 500);
    q.addAfter('a', 2000);
    assert.equal(q.delayedCount, 1);
    await clock.advance(499);
    assert.equal(q.depth, 0);
    await clock.advance(1);
    assert.equal(q.depth, 1);
    await clock.advance(5000);
    assert.equal(q.depth, 1, 'the later delays were dropped');
  });

  it('an immediate add supersedes a pending delay', async () => {
    const { q, clock } = queue();
    q.addAfter('a', 1000);
    q.add('a');
    assert.equal(q.delayedCount, 0);
    assert.equal((await q.get())?.key, 'a');
    q.done('a');
    await clock.advance(2000);
    assert.equal(q.depth, 0);
  });

  it('wakes a waiting worker and reports depth', async () => {
    const { q, depths } = queue();
    const waiting = q.get();
    q.add('x');
    assert.equal((await waiting)?.key, 'x');
    q.add('y');
    q.add('z');
    assert.deepEqual(depths.slice(-2), [1, 2]);
  });

  it('shutDown releases waiters and ignores new work', async () => {
    const { q } = queue();
    const waiting = q.get();
    q.addAfter('later', 10);
    q.shutDown();
    assert.equal(await waiting, undefined);
    q.add('a');
    assert.equal(await q.get(), undefined);
    assert.equal(q.delayedCount, 0);
  });
});
