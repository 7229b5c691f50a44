import { strict as assert } from 'node:assert';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { ClusterPlan, StrataError } from '@strata/api';
import { StrataClient } from './client.js';
import { cannedObject, problemReply, startCannedServer, type CannedServer } from './testing/index.js';

const C = '/v1/projects/retail/clusters/shop';
const plan: ClusterPlan = {
  pools: [{ name: 'workers', controlPlane: false, scale: { from: 3, to: 5 }, inPlace: [] }],
  repave: [],
  approvalRequired: false,
  paused: false,
  unchanged: false,
};
const cluster = cannedObject({ kind: 'Cluster', name: 'shop', project: 'retail' });
const KUBECONFIG = 'apiVersion: v1\nkind: Config\nclusters: []\n';
const MANIFEST = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: strata-system\n';
const LINK = {
  url: 'https://strata.example.org/v1/import/sil_x.yaml',
  command: 'kubectl apply -f https://strata.example.org/v1/import/sil_x.yaml',
  expiresAt: '2026-01-01T01:00:00.000Z',
};
const draft = cannedObject({ kind: 'ClusterProfile', name: 'shop-gen', project: 'retail' });

describe('StrataClient cluster actions and sub-resources', () => {
  let server: CannedServer;
  let client: StrataClient;
  before(async () => {
    server = await startCannedServer({
      [`POST ${C}/plan`]: { body: { plan, proposed: cluster } },
      [`POST ${C}/upgrade`]: { body: { plan, cluster } },
      [`POST ${C}/scale`]: problemReply('STRATA_VALIDATION_FAILED', '1 problem', [
        { path: '/pool', message: 'cluster "shop" has no node pool "gpu"; pools: workers' },
      ]),
      [`POST ${C}/approve-repave`]: { body: cluster },
      [`POST ${C}/kubeconfig`]: { body: KUBECONFIG, headers: { 'content-type': 'application/yaml' } },
      [`POST ${C}/agent-manifest`]: problemReply(
        'STRATA_CONFLICT',
        'the sandbox provider runs the agent of "shop" itself; there is no manifest to apply',
      ),
      [`POST /v1/projects/retail/clusters/edge/agent-manifest`]: {
        body: MANIFEST,
        headers: { 'content-type': 'application/yaml' },
      },
      [`POST ${C}/rotate-agent-token`]: { body: { rotated: true, restarted: false, token: 'sat_1' } },
      [`GET ${C}/events`]: { body: { items: [] } },
      [`POST ${C}/import-link`]: { status: 201, body: LINK },
      [`POST /v1/projects/retail/clusters/built/import-link`]: problemReply(
        'STRATA_CONFLICT',
        'the sandbox provider runs the agent of "built" itself; there is no manifest to apply',
      ),
      [`POST ${C}/generate-profile`]: {
        status: 201,
        body: { profile: draft, matched: [{ item: 'cni sandbox', layer: 'sandbox-cni' }], unmatched: [] },
      },
    });
    client = new StrataClient({ server: server.url, apiKey: 'key-1' });
  });
  beforeEach(() => server.requests.splice(0));
  after(() => server.close());
  const last = () => server.requests.at(-1)!;
  const opts = { project: 'retail' };

  it('plan and upgrade post JSON bodies and return the typed plan', async () => {
    const planned = await client.clusters.plan('shop', { spec: { provider: 'sandbox' } }, opts);
    assert.deepEqual(planned.plan, plan);
    assert.deepEqual(JSON.parse(last().body), { spec: { provider: 'sandbox' } });
    const upgraded = await client.clusters.upgrade('shop', { profile: 'base', version: '1.3.0' }, opts);
    assert.equal(upgraded.cluster?.metadata.name, 'shop');
    assert.deepEqual(JSON.parse(last().body), { profile: 'base', version: '1.3.0' });
    await client.clusters.upgrade('shop', { profile: 'base', version: '1.3.0', dryRun: true }, opts);
    assert.deepEqual(JSON.parse(last().body), { profile: 'base', version: '1.3.0', dryRun: true });
  });

  it('bodiless actions send an empty JSON object', async () => {
    await client.clusters.approveRepave('shop', opts);
    assert.equal(`${last().method} ${last().path}`, `POST ${C}/approve-repave`);
    assert.equal(last().headers['content-type'], 'application/json');
    assert.equal(last().body, '{}');
    assert.deepEqual(await client.clusters.rotateAgentToken('shop', opts), {
      rotated: true,
      restarted: false,
      token: 'sat_1',
    });
  });

  it('kubeconfig returns the YAML text as sent, asking for YAML', async () => {
    assert.equal(await client.clusters.kubeconfig('shop', opts), KUBECONFIG);
    assert.equal(`${last().method} ${last().path}`, `POST ${C}/kubeconfig`);
    assert.match(String(last().headers.accept), /^application\/yaml/);
    assert.equal(last().headers.authorization, 'Bearer key-1');
  });

  it('agentManifest is a POST (it issues a token) with the mode in its body, and returns the YAML', async () => {
    assert.equal(await client.clusters.agentManifest('edge', { ...opts, mode: 'read-only' }), MANIFEST);
    assert.equal(`${last().method} ${last().path}`, 'POST /v1/projects/retail/clusters/edge/agent-manifest');
    assert.deepEqual(JSON.parse(last().body), { mode: 'read-only' });
    assert.match(String(last().headers.accept), /^application\/yaml/);
    await client.clusters.agentManifest('edge', opts);
    assert.equal(last().body, '{}', 'no mode: the server decides');
    await assert.rejects(client.clusters.agentManifest('shop', opts), { code: 'STRATA_CONFLICT' });
  });

  it('GET sub-resources send no body', async () => {
    assert.deepEqual(await client.clusters.events('shop', opts), { items: [] });
    assert.equal(`${last().method} ${last().path}`, `GET ${C}/events`);
    assert.equal(last().body, '');
  });

  it('scale sends pool and count; a 422 is a StrataError with every issue', async () => {
    await assert.rejects(
      client.clusters.scale('shop', { pool: 'gpu', count: 2 }, opts),
      (err: StrataError) => err.code === 'STRATA_VALIDATION_FAILED' && err.issues[0]?.path === '/pool',
    );
    assert.deepEqual(JSON.parse(last().body), { pool: 'gpu', count: 2 });
  });

  it('importLink posts the expiry (or an empty body) and returns the typed link; a 409 throws', async () => {
    assert.deepEqual(await client.clusters.importLink('shop', { expiresInSeconds: 600 }, opts), LINK);
    assert.equal(`${last().method} ${last().path}`, `POST ${C}/import-link`);
    assert.deepEqual(JSON.parse(last().body), { expiresInSeconds: 600 });
    await client.clusters.importLink('shop', {}, opts);
    assert.deepEqual(JSON.parse(last().body), {});
    await assert.rejects(client.clusters.importLink('built', {}, opts), { code: 'STRATA_CONFLICT' });
  });

  it('generateProfile posts name and version and returns the draft with matched and unmatched items', async () => {
    const generated = await client.clusters.generateProfile(
      'shop',
      { name: 'shop-gen', version: '1.0.0' },
      opts,
    );
    assert.equal(generated.profile.metadata.name, 'shop-gen');
    assert.deepEqual(generated.matched, [{ item: 'cni sandbox', layer: 'sandbox-cni' }]);
    assert.deepEqual(generated.unmatched, []);
    assert.equal(`${last().method} ${last().path}`, `POST ${C}/generate-profile`);
    assert.deepEqual(JSON.parse(last().body), { name: 'shop-gen', version: '1.0.0' });
  });

  it('Cluster is project-scoped: no request without a project', async () => {
    await assert.rejects(client.clusters.kubeconfig('shop', {}), /Cluster is project-scoped: give a project/);
    assert.equal(server.requests.length, 0);
  });
});
