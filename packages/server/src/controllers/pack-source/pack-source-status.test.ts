import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Condition, PackSourceStatus, Resource } from '@strata/api';
import type { PackSourceCondition } from '../../packs/helm-index.js';
import { packSourceEvents, summarisePackSource } from './pack-source-status.js';

const NOW = new Date('2026-12-01T10:00:00Z');
const EARLIER = '2026-11-30T10:00:00Z';
const source = { metadata: { name: 'repo', tenant: 't', generation: 3 } } as unknown as Resource;
const ready = (status: Condition['status'], reason: string): Condition => ({
  type: 'Ready',
  status,
  reason,
  message: '',
  lastTransitionTime: EARLIER,
  observedGeneration: 2,
});
const read = (status: 'True' | 'False', reason: PackSourceCondition['reason']): PackSourceCondition => ({
  type: 'Ready',
  status,
  reason,
  message: `${reason}!`,
});
const charts = [{ name: 'greeter', versions: [{ version: '0.1.0' }] }];
const old = [{ name: 'old', versions: [{ version: '1.0.0' }] }];

describe('summarisePackSource', () => {
  const rows: {
    name: string;
    before: PackSourceStatus;
    condition: PackSourceCondition;
    charts?: typeof charts;
    expect: { ready: [string, string]; charts: unknown; movedAt: boolean; event: string[] };
  }[] = [
    {
      name: 'first read succeeds',
      before: {},
      condition: read('True', 'IndexRead'),
      charts,
      expect: { ready: ['True', 'IndexRead'], charts, movedAt: true, event: ['Normal IndexRead'] },
    },
    {
      name: 'a read that fails keeps the last good charts',
      before: { charts: old, conditions: [ready('True', 'IndexRead')] },
      condition: read('False', 'Unreachable'),
      expect: { ready: ['False', 'Unreachable'], charts: old, movedAt: true, event: ['Warning Unreachable'] },
    },
    {
      name: 'failing for another reason is a new event, not a new transition time',
      before: { charts: old, conditions: [ready('False', 'Unreachable')] },
      condition: read('False', 'Malformed'),
      expect: { ready: ['False', 'Malformed'], charts: old, movedAt: false, event: ['Warning Malformed'] },
    },
    {
      name: 'the same result again: no event',
      before: { charts: old, conditions: [ready('True', 'IndexRead')] },
      condition: read('True', 'IndexRead'),
      charts,
      expect: { ready: ['True', 'IndexRead'], charts, movedAt: false, event: [] },
    },
    {
      name: 'recovering',
      before: { charts: old, conditions: [ready('False', 'HttpError')] },
      condition: read('True', 'IndexRead'),
      charts,
      expect: { ready: ['True', 'IndexRead'], charts, movedAt: true, event: ['Normal IndexRead'] },
    },
    {
      name: 'an unsupported type',
      before: {},
      condition: read('False', 'Unsupported'),
      expect: { ready: ['False', 'Unsupported'], charts: [], movedAt: true, event: ['Warning Unsupported'] },
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const after = summarisePackSource({
        source,
        before: row.before,
        now: NOW,
        read: { condition: row.condition, ...(row.charts ? { charts: row.charts } : {}) },
      });
      const c = after.conditions?.[0];
      assert.deepEqual([c?.status, c?.reason], row.expect.ready);
      assert.equal(c?.message, row.condition.message);
      assert.equal(c?.observedGeneration, 3);
      assert.equal(c?.lastTransitionTime, row.expect.movedAt ? NOW.toISOString() : EARLIER);
      assert.deepEqual(after.charts, row.expect.charts);
      assert.equal(after.observedGeneration, 3);
      assert.equal(after.lastFetchedAt, NOW.toISOString());
      assert.deepEqual(
        packSourceEvents(row.before, after).map((e) => `${e.type} ${e.reason}`),
        row.expect.event,
      );
    });
  }

  it('a pass that read nothing leaves the status as it was', () => {
    const before = { charts: old, conditions: [ready('True', 'IndexRead')] };
    assert.deepEqual(summarisePackSource({ source, before, now: NOW }), before);
  });
});
