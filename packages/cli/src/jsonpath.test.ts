import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { UsageError } from './exit-codes.js';
import { evaluateJsonPath, formatValue, parseJsonPath } from './jsonpath.js';

const object = {
  metadata: { name: 'shop', labels: { 'app.kubernetes.io/name': 'web' } },
  spec: {
    nodePools: [
      { name: 'cp', count: 1 },
      { name: 'workers', count: 3 },
    ],
  },
  status: {
    phase: 'Running',
    ready: true,
    conditions: [
      { type: 'InfrastructureReady', status: 'True' },
      { type: 'Ready', status: 'False' },
    ],
  },
};

describe('jsonpath subset', () => {
  const rows: { name: string; given: string; expect: unknown[] }[] = [
    { name: 'nested fields with braces', given: '{.status.phase}', expect: ['Running'] },
    { name: 'without braces', given: '.metadata.name', expect: ['shop'] },
    { name: 'array index', given: '{.spec.nodePools[1].count}', expect: [3] },
    {
      name: 'quoted key with dots and slash',
      given: "{.metadata.labels['app.kubernetes.io/name']}",
      expect: ['web'],
    },
    { name: 'filter', given: '{.status.conditions[?(@.type=="Ready")].status}', expect: ['False'] },
    { name: 'missing field', given: '{.status.endpoint}', expect: [] },
    { name: 'index out of range', given: '{.spec.nodePools[5]}', expect: [] },
    { name: 'field of a scalar', given: '{.status.phase.x}', expect: [] },
    { name: 'whole object', given: '{.spec.nodePools[0]}', expect: [{ name: 'cp', count: 1 }] },
  ];
  for (const row of rows)
    it(row.name, () => assert.deepEqual(evaluateJsonPath(parseJsonPath(row.given), object), row.expect));

  for (const bad of ['status.phase', '{.a[x]}', '{.a..b}', '{.a[?(@.x>1)]}']) {
    it(`rejects ${bad}`, () => assert.throws(() => parseJsonPath(bad), UsageError));
  }

  it('formats values for comparison', () => {
    assert.deepEqual(
      [formatValue('x'), formatValue(3), formatValue(true), formatValue({ a: 1 }), formatValue(null)],
      ['x', '3', 'true', '{"a":1}', ''],
    );
  });
});
