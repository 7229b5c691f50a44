import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '@strata/testing';
import type { ReconcileContext } from './controller.js';
import { lowestRequeue, runPhases, type Phase } from './phases.js';
import { Result } from './result.js';

const ctx = (signal = new AbortController().signal): ReconcileContext => ({
  controller: 'test',
  signal,
  clock: new FakeClock(0),
  attempt: 1,
});

const phase = (name: string, answer: Result | Error, ran: string[]): Phase<unknown> => ({
  name,
  run: async () => {
    ran.push(name);
    if (answer instanceof Error) throw answer;
    return answer;
  },
});

describe('runPhases', () => {
  it('runs every phase in order, even after one failed, and the lowest requeue wins', async () => {
    const ran: string[] = [];
    const outcome = await runPhases(ctx(), {}, [
      phase('a', Result.requeueAfter(5000), ran),
      phase('b', new Error('b broke'), ran),
      phase('c', Result.requeueAfter(200), ran),
      phase('d', Result.done(), ran),
    ]);
    assert.deepEqual(ran, ['a', 'b', 'c', 'd']);
    assert.deepEqual(outcome.result, Result.requeueAfter(200));
    assert.equal(outcome.error?.message, 'b broke');
    assert.equal((outcome.error as Error & { phase?: string }).phase, 'b', 'the error names its phase');
  });

  it('aggregates several errors into one, keeping each', async () => {
    const ran: string[] = [];
    const outcome = await runPhases(ctx(), {}, [
      phase('a', new Error('one'), ran),
      phase('b', new Error('two'), ran),
    ]);
    assert.ok(outcome.error instanceof AggregateError);
    assert.deepEqual(
      outcome.error.errors.map((e: Error) => e.message),
      ['one', 'two'],
    );
    assert.equal(outcome.error.message, 'one; two');
  });

  it('is done when every phase is done, and stops when the pass is aborted', async () => {
    const ran: string[] = [];
    assert.deepEqual((await runPhases(ctx(), {}, [phase('a', Result.done(), ran)])).result, Result.done());
    const stop = new AbortController();
    const aborting: Phase<unknown> = { name: 'stop', run: async () => (stop.abort(), Result.done()) };
    await runPhases(ctx(stop.signal), {}, [aborting, phase('after', Result.done(), ran)]);
    assert.deepEqual(ran, ['a'], 'nothing runs after the abort');
  });

  it('lowestRequeue: requeue beats done, shorter beats longer', () => {
    const table: [Result, Result, Result][] = [
      [Result.done(), Result.done(), Result.done()],
      [Result.done(), Result.requeueAfter(10), Result.requeueAfter(10)],
      [Result.requeueAfter(10), Result.done(), Result.requeueAfter(10)],
      [Result.requeueAfter(10), Result.requeueAfter(0), Result.requeueAfter(0)],
    ];
    for (const [a, b, expected] of table) assert.deepEqual(lowestRequeue(a, b), expected);
  });
});
