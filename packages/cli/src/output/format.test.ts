import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { cannedList, cannedObject } from '@strata/client/testing';
import { parse } from 'yaml';
import { formatList, formatObject, nameOf, parseOutputFormat } from './format.js';

const now = new Date('2026-01-01T01:00:00Z');
const context = { kind: 'ClusterProfile', showProject: false, now };
const base = cannedObject({
  kind: 'ClusterProfile',
  name: 'base',
  project: 'retail',
  spec: { version: '1.2.0', type: 'full' },
  status: { state: 'Draft' },
});
const edge = cannedObject({
  kind: 'ClusterProfile',
  name: 'edge-long-name',
  project: 'retail',
  spec: { version: '2.0.0', type: 'addon' },
  createdAt: '2025-12-31T23:00:00Z',
});

describe('output formats', () => {
  it('table: NAME, kind columns that have values, AGE; aligned, no trailing spaces', () => {
    const text = formatList(cannedList([base, edge]), 'table', context);
    assert.equal(
      text,
      [
        'NAME             VERSION   TYPE    STATE   AGE',
        'base             1.2.0     full    Draft   60m',
        'edge-long-name   2.0.0     addon           120m',
        '',
      ].join('\n'),
    );
  });

  it('table: PROJECT column when asked', () => {
    const text = formatList(cannedList([base]), 'table', { ...context, showProject: true });
    assert.match(text.split('\n')[0]!, /^NAME\s+PROJECT\s+VERSION/);
    assert.match(text.split('\n')[1]!, /^base\s+retail\s+1\.2\.0/);
  });

  it('table: generic PHASE and READY columns appear only when some object has them', () => {
    const cluster = cannedObject({
      kind: 'Widget',
      name: 'a',
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
    });
    const plain = cannedObject({ kind: 'Widget', name: 'b' });
    const [header, ...rows] = formatList(cannedList([cluster, plain]), 'table', {
      ...context,
      kind: 'Widget',
    })
      .trimEnd()
      .split('\n');
    assert.deepEqual(header!.split(/\s+/), ['NAME', 'PHASE', 'READY', 'AGE']);
    assert.deepEqual(rows[0]!.split(/\s+/), ['a', 'Running', 'True', '60m']);
    assert.equal(
      formatList(cannedList([plain]), 'table', { ...context, kind: 'Widget' }).split('\n')[0],
      'NAME   AGE',
    );
  });

  it('table: an empty list prints nothing', () => {
    assert.equal(formatList(cannedList([]), 'table', context), '');
  });

  it('json: a list prints a List, one object prints the object', () => {
    const list = JSON.parse(
      formatList(cannedList([base], { resourceVersion: '42' }), 'json', context),
    ) as Record<string, unknown>;
    assert.equal(list.kind, 'List');
    assert.equal(list.resourceVersion, '42');
    assert.equal((list.items as unknown[]).length, 1);
    assert.deepEqual(JSON.parse(formatObject(base, 'json', context)), base);
  });

  it('yaml round-trips', () => {
    assert.deepEqual(parse(formatObject(base, 'yaml', context)), base);
    assert.equal(
      (parse(formatList(cannedList([base, edge]), 'yaml', context)) as { items: unknown[] }).items.length,
      2,
    );
  });

  it('name: kind/name, with @version for versioned kinds', () => {
    assert.equal(formatList(cannedList([base]), 'name', context), 'clusterprofile/base@1.2.0\n');
    assert.equal(nameOf(cannedObject({ kind: 'Project', name: 'retail' })), 'project/retail');
  });

  it('rejects unknown formats', () => {
    assert.throws(
      () => parseOutputFormat('wide'),
      /unknown output format "wide": use one of table, yaml, json, name/,
    );
    assert.equal(parseOutputFormat(undefined), 'table');
  });
});
