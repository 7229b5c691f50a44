import { strict as assert } from 'node:assert';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Resource, ResourceInput } from '@strata/api';
import { sameDesiredState } from './apply.js';
import { StrataClient } from './client.js';
import {
  cannedObject,
  problemReply,
  startCannedServer,
  type CannedReply,
  type CannedServer,
} from './testing/index.js';

const existing = cannedObject({
  kind: 'Project',
  name: 'retail',
  resourceVersion: '5',
  generation: 2,
  labels: { env: 'prod' },
  spec: { displayName: 'Retail' },
});
const desired = (
  spec: Record<string, unknown>,
  labels: Record<string, string> = { env: 'prod' },
): ResourceInput => ({
  apiVersion: 'strata.dev/v1alpha1',
  kind: 'Project',
  metadata: { name: 'retail', labels },
  spec,
});
const withGeneration = (generation: number, rv: string): Resource => ({
  ...existing,
  metadata: { ...existing.metadata, generation, resourceVersion: rv },
});

describe('StrataClient.apply', () => {
  let server: CannedServer;
  let client: StrataClient;
  const routes: Record<string, CannedReply | CannedReply[]> = {};
  before(async () => {
    server = await startCannedServer((req) => {
      const route = routes[`${req.method} ${req.path}`];
      if (!route) return problemReply('STRATA_NOT_FOUND', 'not found');
      return Array.isArray(route) ? (route.length > 1 ? route.shift() : route[0]) : route;
    });
    client = new StrataClient({ server: server.url });
  });
  beforeEach(() => {
    server.requests.splice(0);
    for (const k of Object.keys(routes)) delete routes[k];
  });
  after(() => server.close());
  const calls = () => server.requests.map((r) => `${r.method} ${r.path}`);

  it('creates a missing object (dropping a stale resourceVersion)', async () => {
    routes['POST /v1/projects'] = { status: 201, body: existing };
    const doc = desired({ displayName: 'Retail' });
    doc.metadata.resourceVersion = '3';
    const result = await client.apply(doc);
    assert.equal(result.action, 'created');
    assert.deepEqual(calls(), ['GET /v1/projects/retail', 'POST /v1/projects']);
    assert.equal((JSON.parse(server.requests[1]!.body) as ResourceInput).metadata.resourceVersion, undefined);
  });

  it('skips the write when spec, labels and annotations already match', async () => {
    routes['GET /v1/projects/retail'] = { body: existing };
    const result = await client.apply(desired({ displayName: 'Retail' }));
    assert.equal(result.action, 'unchanged');
    assert.deepEqual(calls(), ['GET /v1/projects/retail']);
  });

  it('replaces a changed object with the read resourceVersion as precondition', async () => {
    routes['GET /v1/projects/retail'] = { body: existing };
    routes['PUT /v1/projects/retail'] = { body: withGeneration(3, '6') };
    const result = await client.apply(desired({ displayName: 'Retail EU' }));
    assert.equal(result.action, 'configured');
    const put = JSON.parse(server.requests[1]!.body) as ResourceInput;
    assert.equal(put.metadata.resourceVersion, '5');
    assert.deepEqual(put.spec, { displayName: 'Retail EU' });
  });

  it('keeps finalizers that controllers added unless the document lists its own', async () => {
    const guarded = { ...existing, metadata: { ...existing.metadata, finalizers: ['strata.dev/cleanup'] } };
    routes['GET /v1/projects/retail'] = { body: guarded };
    routes['PUT /v1/projects/retail'] = { body: withGeneration(3, '6') };
    await client.apply(desired({ displayName: 'Retail EU' }));
    assert.deepEqual((JSON.parse(server.requests[1]!.body) as ResourceInput).metadata.finalizers, [
      'strata.dev/cleanup',
    ]);
    const own = desired({ displayName: 'Retail' });
    own.metadata.finalizers = [];
    assert.equal((await client.apply(own)).action, 'configured', 'a different finalizer list is a change');
    assert.deepEqual((JSON.parse(server.requests.at(-1)!.body) as ResourceInput).metadata.finalizers, []);
  });

  it('reports unchanged when the server kept the generation (defaults filled in server-side)', async () => {
    routes['GET /v1/projects/retail'] = { body: existing };
    routes['PUT /v1/projects/retail'] = { body: withGeneration(2, '6') };
    const result = await client.apply(desired({}));
    assert.equal(result.action, 'unchanged');
    assert.equal(calls().length, 2);
  });

  it('reports configured when only labels changed', async () => {
    routes['GET /v1/projects/retail'] = { body: existing };
    routes['PUT /v1/projects/retail'] = {
      body: { ...existing, metadata: { ...existing.metadata, labels: { env: 'dev' } } },
    };
    assert.equal(
      (await client.apply(desired({ displayName: 'Retail' }, { env: 'dev' }))).action,
      'configured',
    );
  });

  it('retries after a concurrent change (409) by reading again', async () => {
    routes['GET /v1/projects/retail'] = [{ body: existing }, { body: withGeneration(2, '7') }];
    routes['PUT /v1/projects/retail'] = [
      problemReply('STRATA_CONFLICT', 'stale'),
      { body: withGeneration(3, '8') },
    ];
    const result = await client.apply(desired({ displayName: 'New' }));
    assert.equal(result.action, 'configured');
    assert.deepEqual(calls(), [
      'GET /v1/projects/retail',
      'PUT /v1/projects/retail',
      'GET /v1/projects/retail',
      'PUT /v1/projects/retail',
    ]);
    assert.equal((JSON.parse(server.requests[3]!.body) as ResourceInput).metadata.resourceVersion, '7');
  });

  it("does not retry a conflict on the caller's own resourceVersion", async () => {
    routes['GET /v1/projects/retail'] = { body: existing };
    routes['PUT /v1/projects/retail'] = problemReply('STRATA_CONFLICT', 'stale');
    const doc = desired({ displayName: 'New' });
    doc.metadata.resourceVersion = '4';
    await assert.rejects(client.apply(doc), { code: 'STRATA_CONFLICT' });
    assert.equal(calls().length, 2);
  });

  it('applies versioned kinds to their version', async () => {
    routes['POST /v1/clusterprofiles'] = {
      status: 201,
      body: cannedObject({ kind: 'ClusterProfile', name: 'base', spec: { version: '2.0.0' } }),
    };
    await client.apply({ kind: 'ClusterProfile', metadata: { name: 'base' }, spec: { version: '2.0.0' } });
    assert.deepEqual(calls(), ['GET /v1/clusterprofiles/base/versions/2.0.0', 'POST /v1/clusterprofiles']);
  });
});

describe('sameDesiredState', () => {
  it('treats missing spec, labels and annotations as empty', () => {
    const bare = cannedObject({ kind: 'Project', name: 'x' });
    assert.equal(sameDesiredState({ kind: 'Project', metadata: { name: 'x' } }, bare), true);
    assert.equal(
      sameDesiredState({ kind: 'Project', metadata: { name: 'x', annotations: { a: 'b' } } }, bare),
      false,
    );
  });
});
