import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NodePool } from '@strata/api';
import { rollingBudget, type RollingBudget } from './update-strategy.js';

const rows: { name: string; given: Pick<NodePool, 'count' | 'updateStrategy'>; expect: RollingBudget }[] = [
  {
    name: 'defaults: surge 1, unavailable 0',
    given: { count: 3 },
    expect: { maxSurge: 1, maxUnavailable: 0 },
  },
  {
    name: 'percentages: surge rounds up, unavailable rounds down',
    given: { count: 5, updateStrategy: { maxSurge: '25%', maxUnavailable: '25%' } },
    expect: { maxSurge: 2, maxUnavailable: 1 },
  },
  {
    name: 'both zero → surge 1 so the roll progresses',
    given: { count: 3, updateStrategy: { maxSurge: 0, maxUnavailable: 0 } },
    expect: { maxSurge: 1, maxUnavailable: 0 },
  },
  {
    name: 'unavailable capped at count',
    given: { count: 2, updateStrategy: { maxSurge: 0, maxUnavailable: 5 } },
    expect: { maxSurge: 0, maxUnavailable: 2 },
  },
];

describe('rollingBudget', () => {
  for (const row of rows) it(row.name, () => assert.deepEqual(rollingBudget(row.given), row.expect));
});
