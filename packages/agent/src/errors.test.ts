import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AbortedError, linkSignals, sleep } from './errors.js';

describe('linkSignals', () => {
  it('aborts when a source does, and detaches from long-lived sources on dispose', () => {
    const stop = new AbortController();
    for (let i = 0; i < 50; i++) linkSignals([stop.signal]).dispose();
    const linked = linkSignals([stop.signal, undefined]);
    stop.abort();
    assert.equal(linked.signal.aborted, true);
  });

  it('aborts after its timeout', async () => {
    const linked = linkSignals([], 20);
    await assert.rejects(sleep(1000, linked.signal), AbortedError);
  });

  it('starts aborted when a source already is', () => {
    assert.equal(linkSignals([AbortSignal.abort()]).signal.aborted, true);
  });
});
