/**
 * Maintenance windows in the Cluster controller, on a real store with a fake clock: an approved (here: automatic)
 * repave waits for the next window, says when it opens, and runs once it is open; a group's windows apply to its
 * members that have none of their own; impossible windows are refused.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FakeClock } from '@strata/testing';
import { PROJECT_URL as P, startClusterWorld, type ClusterWorld } from '../../test/cluster-world.js';
import { expectOk } from '../../test/harness.js';

const SAT_BERLIN = { windows: [{ days: ['Sat'], start: '01:00', end: '05:00', timeZone: 'Europe/Berlin' }] };
const at = (iso: string) => new FakeClock(Date.parse(iso));

describe('maintenance windows hold repaves', () => {
  let w: ClusterWorld;
  before(async () => {
    w = await startClusterWorld();
  });
  after(async () => w?.close());

  it('a repave waits for the window, says when it opens, and runs inside it', async () => {
    await w.create('windowed', { policy: { repave: 'automatic' }, maintenance: SAT_BERLIN });
    w.provider.outdated.set('cp', 1);
    try {
      const friday = at('2026-12-04T12:00:00Z');
      await w.controller.reconcile(w.ctx(1, friday), w.key('windowed'));
      await w.controller.reconcile(w.ctx(1, friday), w.key('windowed'));
      let st = await w.status('windowed');
      assert.equal(st.pendingRepave?.waitingForWindow, '2026-12-05T00:00:00.000Z');
      assert.equal(st.pendingRepave?.approved, false);
      assert.deepEqual(st.maintenance, {
        open: false,
        source: 'cluster',
        nextWindow: '2026-12-05T00:00:00.000Z',
      });
      assert.deepEqual(w.provider.repaved, [], 'nothing disruptive outside the window');
      assert.ok((await w.events('windowed')).includes('RepaveWaitingForWindow'));

      const saturday = at('2026-12-05T00:30:00Z');
      await w.controller.reconcile(w.ctx(1, saturday), w.key('windowed'));
      st = await w.status('windowed');
      assert.equal(st.pendingRepave?.approved, true, 'the window is open: the repave starts');
      assert.equal(st.maintenance?.open, true);
      assert.equal(st.maintenance?.closesAt, '2026-12-05T04:00:00.000Z');
      await w.controller.reconcile(w.ctx(1, saturday), w.key('windowed'));
      assert.deepEqual(w.provider.repaved, ['cp']);
    } finally {
      w.provider.outdated.clear();
    }
  });

  it('a group’s windows apply to members without their own', async () => {
    await expectOk(
      w.s.call({
        method: 'POST',
        url: `${P}/clustergroups`,
        body: {
          metadata: { name: 'edge' },
          spec: {
            selector: 'tier=edge',
            maintenance: { windows: [{ days: ['Sun'], start: '02:00', end: '03:00', timeZone: 'UTC' }] },
          },
        },
      }),
    );
    await w.create('edgy', {}, { tier: 'edge' });
    await w.controller.reconcile(w.ctx(1, at('2026-12-04T12:00:00Z')), w.key('edgy'));
    assert.deepEqual((await w.status('edgy')).maintenance, {
      open: false,
      source: 'group/default/edge',
      nextWindow: '2026-12-06T02:00:00.000Z',
    });
  });

  it('refuses impossible windows with their path, and stores nothing', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [
        { windows: [{ days: ['Sat'], start: '01:00', end: '05:00', timeZone: 'Europe/Atlantis' }] },
        '/spec/maintenance/windows/0/timeZone',
      ],
      [
        { windows: [{ days: ['Sat'], start: '25:00', end: '05:00', timeZone: 'UTC' }] },
        '/spec/maintenance/windows/0/start',
      ],
      [
        { windows: [{ days: [], start: '01:00', end: '05:00', timeZone: 'UTC' }] },
        '/spec/maintenance/windows/0/days',
      ],
      [{ windows: [] }, '/spec/maintenance/windows'],
      [{ ...SAT_BERLIN, blackouts: [{ from: '2020-01-01', to: '2099-12-31' }] }, '/spec/maintenance'],
    ];
    for (const [maintenance, path] of cases) {
      const res = await w.s.call({
        method: 'POST',
        url: `${P}/clusters`,
        body: {
          metadata: { name: 'impossible' },
          spec: {
            provider: 'scripted',
            nodePools: [{ name: 'cp', controlPlane: true, count: 1 }],
            profiles: [{ name: 'base', version: '1.0.0' }],
            maintenance,
          },
        },
      });
      assert.equal(res.status, 422, res.text);
      assert.ok(res.text.includes(path), `${path} in ${res.text}`);
    }
    assert.equal((await w.s.call({ method: 'GET', url: `${P}/clusters/impossible` })).status, 404);
  });
});
