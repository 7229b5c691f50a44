import { strict as assert } from 'node:assert';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ProjectKind, StrataError, type KindDefinition } from '@strata/api';
import { StrataClient } from './client.js';
import {
  cannedList,
  cannedObject,
  problemReply,
  startCannedServer,
  type CannedRoutes,
  type CannedServer,
} from './testing/index.js';

const project = (name: string) => cannedObject({ kind: 'Project', name });
const profile = (name: string, version: string) =>
  cannedObject({ kind: 'ClusterProfile', name, project: 'retail', spec: { version } });

describe('StrataClient requests', () => {
  let server: CannedServer;
  let client: StrataClient;
  const routes: CannedRoutes = {
    'GET /v1/projects/retail': { body: project('retail') },
    'GET /v1/projects': (req) => {
      const pages: Record<string, { body: unknown }> = {
        '': { body: cannedList([project('a'), project('b')], { continue: 'T1', resourceVersion: '20' }) },
        T1: { body: cannedList([project('c')], { continue: 'T2', resourceVersion: '21' }) },
        T2: { body: cannedList([project('d')], { resourceVersion: '22' }) },
      };
      return pages[req.query.get('continue') ?? ''];
    },
    'POST /v1/projects': { status: 201, body: project('new') },
    'PUT /v1/projects/retail': { body: project('retail') },
    'PATCH /v1/projects/retail': { body: project('retail') },
    'DELETE /v1/projects/retail': { body: project('retail') },
    'GET /v1/projects/retail/clusterprofiles/base/versions/1.2.0': { body: profile('base', '1.2.0') },
    'PUT /v1/projects/retail/clusterprofiles/base/versions/1.2.0': { body: profile('base', '1.2.0') },
    'GET /v1/clusterprofiles/base/versions': { body: cannedList([profile('base', '1.0.0')]) },
    'POST /v1/projects/retail/clusterprofiles/base/versions/1.2.0/publish': { body: { published: true } },
    'POST /v1/packs/push': [
      { status: 201, body: { action: 'created', object: cannedObject({ kind: 'Pack', name: 'p' }) } },
      problemReply('STRATA_IMMUTABLE', 'pack p@1.0.0 exists with other content'),
    ],
    'POST /v1/login': {
      body: { token: 'tok', expiresAt: '2027-01-01T00:00:00Z', user: 'admin', tenant: 'acme' },
    },
    'GET /v1/whoami': { body: { user: 'admin', tenant: 'acme', roles: ['tenant-admin'] } },
    'GET /v1/users/missing': problemReply('STRATA_NOT_FOUND', 'User "missing" not found'),
  };
  before(async () => {
    server = await startCannedServer(routes);
    client = new StrataClient({ server: server.url, apiKey: 'key-1' });
  });
  beforeEach(() => server.requests.splice(0));
  after(() => server.close());

  const last = () => server.requests.at(-1)!;

  it('get resolves kind aliases and sends the API key', async () => {
    const p = await client.get('project', 'retail');
    assert.equal(p.metadata.name, 'retail');
    assert.equal(last().path, '/v1/projects/retail');
    assert.equal(last().headers.authorization, 'Bearer key-1');
  });

  it('list sends selector and paging parameters', async () => {
    await client.list('projects', { labelSelector: 'env=prod,tier!=web', limit: 2, continue: 'T1' });
    assert.equal(last().query.get('labelSelector'), 'env=prod,tier!=web');
    assert.equal(last().query.get('limit'), '2');
    assert.equal(last().query.get('continue'), 'T1');
  });

  it('listAll follows continue tokens and keeps the first page resourceVersion', async () => {
    const all = await client.listAll('project', { pageSize: 2 });
    assert.deepEqual(
      all.items.map((i) => i.metadata.name),
      ['a', 'b', 'c', 'd'],
    );
    assert.equal(all.resourceVersion, '20');
    assert.equal(all.continue, undefined);
    assert.deepEqual(
      server.requests.map((r) => r.query.get('continue')),
      [null, 'T1', 'T2'],
    );
    assert.ok(server.requests.every((r) => r.query.get('limit') === '2'));
  });

  it('create POSTs the object to the collection', async () => {
    const body = { apiVersion: 'strata.dev/v1alpha1', kind: 'Project', metadata: { name: 'new' }, spec: {} };
    await client.create(body);
    assert.equal(last().method, 'POST');
    assert.equal(last().path, '/v1/projects');
    assert.equal(last().headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(last().body), body);
  });

  it('update PUTs to the object path, versioned kinds to their version', async () => {
    await client.update({ kind: 'Project', metadata: { name: 'retail', resourceVersion: '7' }, spec: {} });
    assert.equal(`${last().method} ${last().path}`, 'PUT /v1/projects/retail');
    assert.equal(
      (JSON.parse(last().body) as { metadata: { resourceVersion: string } }).metadata.resourceVersion,
      '7',
    );
    await client.update({
      kind: 'ClusterProfile',
      metadata: { name: 'base', project: 'retail' },
      spec: { version: '1.2.0' },
    });
    assert.equal(
      `${last().method} ${last().path}`,
      'PUT /v1/projects/retail/clusterprofiles/base/versions/1.2.0',
    );
  });

  it('patch sends a merge patch', async () => {
    await client.patch('project', 'retail', { metadata: { labels: { env: null } } });
    assert.equal(last().method, 'PATCH');
    assert.equal(last().headers['content-type'], 'application/merge-patch+json');
    assert.deepEqual(JSON.parse(last().body), { metadata: { labels: { env: null } } });
  });

  it('delete sends the resourceVersion precondition', async () => {
    await client.delete('project', 'retail', { resourceVersion: '9' });
    assert.equal(last().method, 'DELETE');
    assert.equal(last().query.get('resourceVersion'), '9');
  });

  it('addresses versions and actions of versioned kinds', async () => {
    await client.get('profile', 'base', { project: 'retail', version: '1.2.0' });
    assert.equal(last().path, '/v1/projects/retail/clusterprofiles/base/versions/1.2.0');
    await client.versions('clusterprofile', 'base');
    assert.equal(last().path, '/v1/clusterprofiles/base/versions');
    assert.deepEqual(
      await client.action('clusterprofile', 'base', 'publish', {}, { project: 'retail', version: '1.2.0' }),
      { published: true },
    );
    assert.equal(
      `${last().method} ${last().path}`,
      'POST /v1/projects/retail/clusterprofiles/base/versions/1.2.0/publish',
    );
  });

  it('refuses unknown actions and versions of unversioned kinds before sending anything', async () => {
    await assert.rejects(
      client.action('clusterprofile', 'base', 'explode'),
      /no action "explode"; known actions: publish/,
    );
    await assert.rejects(client.versions('project', 'retail'), /not versioned/);
    assert.equal(server.requests.length, 0);
  });

  it('refuses a project that contradicts the object', async () => {
    await assert.rejects(
      client.create(
        { kind: 'ClusterProfile', metadata: { name: 'x', project: 'a' }, spec: { version: '1.0.0' } },
        { project: 'b' },
      ),
      (err: StrataError) => err.code === 'STRATA_BAD_REQUEST' && err.issues[0]?.path === '/metadata/project',
    );
  });

  it('refuses unknown kinds and a missing project for project-scoped kinds', async () => {
    await assert.rejects(client.get('gizmo', 'x'), { code: 'STRATA_UNKNOWN_KIND' });
    const widget: KindDefinition = {
      kind: 'Widget',
      plural: 'widgets',
      scope: 'project',
      description: 'test kind',
      spec: ProjectKind.spec,
    };
    await assert.rejects(client.list(widget), /Widget is project-scoped: give a project/);
    assert.equal(server.requests.length, 0);
  });

  it('login posts credentials without needing a key; withApiKey switches credentials', async () => {
    const anonymous = new StrataClient({ server: server.url });
    const result = await anonymous.login({ username: 'admin', password: 'secret' });
    assert.equal(result.token, 'tok');
    assert.deepEqual(JSON.parse(last().body), { username: 'admin', password: 'secret' });
    assert.equal(last().headers.authorization, undefined);
    const me = await anonymous.withApiKey(result.token).whoami();
    assert.deepEqual(me.roles, ['tenant-admin']);
    assert.equal(last().headers.authorization, 'Bearer tok');
  });

  it('pushPack posts the files and returns the action; refusals are StrataErrors', async () => {
    const files = { 'pack.yaml': 'name: p\n', 'chart.tgz': { base64: 'AAE=' } };
    const result = await client.pushPack(files);
    assert.equal(result.action, 'created');
    assert.equal(`${last().method} ${last().path}`, 'POST /v1/packs/push');
    assert.deepEqual(JSON.parse(last().body), { files });
    await assert.rejects(client.pushPack(files), { code: 'STRATA_IMMUTABLE' });
  });

  it('surfaces problems as StrataError', async () => {
    await assert.rejects(
      client.get('user', 'missing'),
      (err: StrataError) => err.code === 'STRATA_NOT_FOUND' && /missing/.test(err.message),
    );
  });
});
