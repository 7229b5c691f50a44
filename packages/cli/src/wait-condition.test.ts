import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { cannedObject } from '@strata/client/testing';
import { describeCondition, observe, parseWaitCondition } from './wait-condition.js';

const running = cannedObject({
  kind: 'Widget',
  name: 'w',
  status: {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'True', reason: 'Ok', message: '', lastTransitionTime: '' }],
  },
});

describe('wait conditions', () => {
  const rows: { given: string; described: string; met: boolean; observed: string }[] = [
    {
      given: 'jsonpath={.status.phase}=Running',
      described: '{.status.phase}=Running',
      met: true,
      observed: 'Running',
    },
    {
      given: "jsonpath='{.status.phase}'=Running",
      described: '{.status.phase}=Running',
      met: true,
      observed: 'Running',
    },
    {
      given: `jsonpath='{.status.phase}=Running'`,
      described: '{.status.phase}=Running',
      met: true,
      observed: 'Running',
    },
    {
      given: 'jsonpath={.status.phase}="Failed"',
      described: '{.status.phase}=Failed',
      met: false,
      observed: 'Running',
    },
    {
      given: 'jsonpath={.status.endpoint}',
      described: '{.status.endpoint} to be set',
      met: false,
      observed: '<none>',
    },
    {
      given: 'jsonpath={.status.conditions[?(@.type=="Ready")].status}=True',
      described: '{.status.conditions[?(@.type=="Ready")].status}=True',
      met: true,
      observed: 'True',
    },
    { given: 'condition=Ready', described: 'condition Ready=True', met: true, observed: 'Ready=True' },
    {
      given: 'condition=Ready=False',
      described: 'condition Ready=False',
      met: false,
      observed: 'Ready=True',
    },
    {
      given: 'condition=Synced',
      described: 'condition Synced=True',
      met: false,
      observed: 'no Synced condition',
    },
    { given: 'delete', described: 'deletion', met: false, observed: 'exists' },
  ];
  for (const row of rows) {
    it(row.given, () => {
      const condition = parseWaitCondition(row.given);
      assert.equal(describeCondition(condition), row.described);
      assert.deepEqual(observe(condition, running), { met: row.met, observed: row.observed });
    });
  }
  for (const bad of [
    'ready',
    'jsonpath=.status.phase',
    'jsonpath={.status.phase}Running',
    'condition=',
    'jsonpath={status}',
  ]) {
    it(`rejects --for=${bad}`, () => assert.throws(() => parseWaitCondition(bad), { name: 'UsageError' }));
  }
});
