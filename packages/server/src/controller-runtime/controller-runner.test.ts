import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '@strata/testing';
import type { Controller, ReconcileContext } from './controller.js';
import { ControllerRunner, type ControllerRunnerOptions } from './controller-runner.js';
import type { KeyLeases } from './key-leases.js';
import type { ReconcileOutcome } from './metrics.js';
import { Result } from './result.js';

type Reconcile = (ctx: ReconcileContext, key: string) => Promise<Result>;

function setup(reconcile: Reconcile, options: Partial<ControllerRunnerOptions<string>> = {}) {
  const clock = new FakeClock(0);
  const calls: { key: string; at: number; attempt: number }[] = [];
  const outcomes: ReconcileOutcome[] = [];
  const depths: number[] = [];
  const controller: Controller<string> = {
    name: 'test',
    reconcile: (ctx, key) => {
      calls.push({ key, at: clock.now(), attempt: ctx.attempt });
      return reconcile(ctx, key);
    },
  };
  const runner = new ControllerRunner<string>({
    controller,
    clock,
    id: (k) => k,
    backoff: { baseMs: 100, maxMs: 1000, jitter: 0 },
    metrics: { queueDepth: (_c, d) => depths.push(d), reconcileDuration: (_c, _s, o) => outcomes.push(o) },
    random: () => 0,
    ...options,
  });
  return { clock, calls, outcomes, depths, runner };
}

describe('ControllerRunner', () => {
  it('backs off failing keys exponentially up to the maximum, then resets after a success', async () => {
    let failures = 7;
    const { clock, calls, runner, outcomes } = setup(async () => {
      if (failures-- > 0) throw new Error('transient');
      return Result.done();
    });
    runner.start();
    runner.enqueue('a');
    await clock.advance(10_000);
    assert.deepEqual(
      calls.map((c) => c.at),
      [0, 100, 300, 700, 1500, 2500, 3500, 4500],
    );
    assert.deepEqual(
      calls.map((c) => c.attempt),
      [1, 2, 3, 4, 5, 6, 7, 8],
    );
    assert.deepEqual(outcomes, [...Array<ReconcileOutcome>(7).fill('error'), 'success']);
    failures = 1;
    const restart = clock.now();
    runner.enqueue('a');
    await clock.advance(100);
    assert.deepEqual(
      calls.slice(8).map((c) => [c.at - restart, c.attempt]),
      [
        [0, 1],
        [100, 2],
      ],
      'backoff started over',
    );
    await runner.stop();
  });

  it('reports each failure with the retry delay', async () => {
    const seen: { attempt: number; retryInMs: number; message: string }[] = [];
    const { clock, runner } = setup(
      async () => {
        throw new Error('boom');
      },
      {
        onError: (e) =>
          seen.push({ attempt: e.attempt, retryInMs: e.retryInMs, message: (e.error as Error).message }),
      },
    );
    runner.start();
    runner.enqueue('a');
    await clock.advance(350);
    assert.deepEqual(seen, [
      { attempt: 1, retryInMs: 100, message: 'boom' },
      { attempt: 2, retryInMs: 200, message: 'boom' },
      { attempt: 3, retryInMs: 400, message: 'boom' },
    ]);
    await runner.stop();
  });

  it('requeues after the requested delay without counting a failure', async () => {
    const { clock, calls, runner, outcomes } = setup(async () => Result.requeueAfter(5000));
    runner.start();
    runner.enqueue('a');
    await clock.advance(12_000);
    assert.deepEqual(
      calls.map((c) => [c.at, c.attempt]),
      [
        [0, 1],
        [5000, 1],
        [10_000, 1],
      ],
    );
    assert.ok(outcomes.every((o) => o === 'requeue'));
    await runner.stop();
  });

  it('de-duplicates keys added before a worker takes them', async () => {
    const { clock, calls, runner } = setup(async () => Result.done());
    for (let i = 0; i < 5; i++) runner.enqueue('a');
    runner.enqueue('b');
    runner.start();
    await clock.advance(1000);
    assert.deepEqual(
      calls.map((c) => c.key),
      ['a', 'b'],
    );
    await runner.stop();
  });

  it('never runs one key on two workers at once, and runs it again if it changed meanwhile', async () => {
    const running = new Map<string, number>();
    let maxPerKey = 0;
    let maxTotal = 0;
    const clockRef: { clock?: FakeClock } = {};
    const { clock, calls, runner } = setup(
      async (_ctx, key) => {
        running.set(key, (running.get(key) ?? 0) + 1);
        maxPerKey = Math.max(maxPerKey, running.get(key) ?? 0);
        maxTotal = Math.max(
          maxTotal,
          [...running.values()].reduce((a, b) => a + b, 0),
        );
        await clockRef.clock?.sleep(100);
        running.set(key, (running.get(key) ?? 1) - 1);
        return Result.done();
      },
      { workers: 4 },
    );
    clockRef.clock = clock;
    runner.start();
    runner.enqueue('a');
    runner.enqueue('b');
    runner.enqueue('c');
    await clock.advance(10);
    for (let i = 0; i < 10; i++) runner.enqueue('a');
    await clock.advance(1000);
    assert.equal(maxPerKey, 1, 'one worker per key');
    assert.equal(maxTotal, 3, 'different keys run in parallel');
    assert.deepEqual(
      calls.filter((c) => c.key === 'a').map((c) => c.at),
      [0, 100],
      'changed while running → exactly one more pass',
    );
    await runner.stop();
  });

  it('skips keys whose lease another replica holds and retries after leaseRetryMs', async () => {
    const held = new Set<string>(['test/a']);
    const leases: KeyLeases = {
      owner: 'me',
      tryAcquire: async (name) => !held.has(name),
      renew: async () => true,
      release: async () => undefined,
    };
    const { clock, calls, runner, outcomes } = setup(async () => Result.done(), {
      leases,
      leaseRetryMs: 500,
    });
    runner.start();
    runner.enqueue('a');
    runner.enqueue('b');
    await clock.advance(100);
    assert.deepEqual(
      calls.map((c) => c.key),
      ['b'],
    );
    held.clear();
    await clock.advance(500);
    assert.deepEqual(
      calls.map((c) => [c.key, c.at]),
      [
        ['b', 0],
        ['a', 500],
      ],
    );
    assert.deepEqual(outcomes, ['lease-held', 'success', 'success']);
    await runner.stop();
  });

  it('renews the lease while reconciling and aborts the signal when it is lost', async () => {
    const renewals: number[] = [];
    const released: string[] = [];
    const clockRef: { clock?: FakeClock } = {};
    const leases: KeyLeases = {
      owner: 'me',
      tryAcquire: async () => true,
      renew: async () => {
        renewals.push(clockRef.clock?.now() ?? -1);
        return renewals.length < 3;
      },
      release: async (name) => void released.push(name),
    };
    let aborted: unknown;
    const { clock, runner } = setup(
      async (ctx) => {
        await new Promise<void>((resolve) =>
          ctx.signal.addEventListener('abort', () => resolve(), { once: true }),
        );
        aborted = ctx.signal.reason;
        return Result.done();
      },
      { leases, leaseTtlMs: 3000 },
    );
    clockRef.clock = clock;
    runner.start();
    runner.enqueue('a');
    await clock.advance(5000);
    assert.deepEqual(renewals, [1000, 2000, 3000]);
    assert.match(String(aborted), /lease test\/a was lost/);
    assert.deepEqual(released, ['test/a']);
    await runner.stop();
  });

  it('stop() aborts running reconciles and waits for them', async () => {
    let sawAbort = false;
    const { clock, runner } = setup(async (ctx) => {
      await new Promise<void>((resolve) =>
        ctx.signal.addEventListener('abort', () => resolve(), { once: true }),
      );
      sawAbort = true;
      return Result.done();
    });
    runner.start();
    runner.enqueue('a');
    await clock.advance(10);
    await runner.stop();
    assert.equal(sawAbort, true);
  });
});
