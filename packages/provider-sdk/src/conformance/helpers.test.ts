import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { eventually, pollPool, type NodeView } from './helpers.js';

const node = (uid: string, pool: string, ready: boolean): NodeView => ({
  name: uid,
  uid,
  pool,
  ready,
  labels: {},
  taints: [],
});

describe('pollPool', () => {
  it('reports the lowest Ready count of the pool sampled while the work runs, and how often it changed', async () => {
    // A roll of two nodes, one state per sample; another pool's nodes are ignored.
    const states: NodeView[][] = [
      [node('a', 'w', true), node('b', 'w', true), node('x', 'cp', false)],
      [node('a', 'w', true), node('b', 'w', true), node('c', 'w', false)],
      [node('a', 'w', true), node('b', 'w', true), node('c', 'w', true)],
      [node('b', 'w', true), node('c', 'w', true)],
      [node('b', 'w', false), node('c', 'w', true)],
      [node('c', 'w', true), node('d', 'w', true)],
    ];
    let sampled = 0;
    const { result, minReady, changes } = await pollPool(
      async () => states[Math.min(states.length - 1, sampled++)] ?? [],
      'w',
      async () => {
        while (sampled < states.length) await sleep(5);
        return 'done';
      },
      5,
    );
    assert.equal(result, 'done');
    assert.equal(minReady, 1, 'the dip to one Ready node was seen');
    assert.equal(changes, 5);
  });

  it('fails the watch when sampling fails, after the work ran', async () => {
    let calls = 0;
    await assert.rejects(
      pollPool(
        async () => {
          calls++;
          if (calls > 2) throw new Error('gateway down');
          return [];
        },
        'w',
        () => sleep(50),
        5,
      ),
      /gateway down/,
    );
  });
});

describe('eventually', () => {
  it('retries a failing check until it passes', async () => {
    let n = 0;
    await eventually(async () => {
      n++;
      assert.ok(n >= 3);
    }, 5_000);
    assert.equal(n, 3);
  });

  it('throws the last failure once the time is over', async () => {
    await assert.rejects(
      eventually(async () => assert.fail('never true'), 300),
      /never true/,
    );
  });
});
