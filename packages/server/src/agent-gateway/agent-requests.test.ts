/**
 * Requests to an imported cluster's agent. The plan asks for an adoption preview, generate-profile for the selected
 * objects: the request waits in the database until the agent's long poll claims it, the agent's answer (posted with
 * its token) ends the wait. Every way it can go without an answer says why, in bounded time: no agent yet, an agent
 * that never picks the request up, one that picks it up and does not answer, one that cannot do it. The "agent" here
 * is this test speaking the agent protocol over HTTP.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AdoptionPreview, ClusterPlan } from '@strata/api';
import { testBackends } from '@strata/testing';
import { agentProtocol, expectOk, startTestServer, type TestServer } from '../test/harness.js';

const P = '/v1/projects/default';
const SECRET_VALUE = 'value-that-must-not-be-stored-in-clear';

const apps = {
  metadata: { name: 'apps' },
  spec: {
    type: 'addon',
    version: '1.0.0',
    layers: [
      {
        name: 'settings',
        manifest: `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: default}\ndata: {key: ${SECRET_VALUE}}\n`,
      },
    ],
  },
};

const imported = (mode: 'read-only' | 'full', profiles: { name: string; version: string }[] = []) => ({
  metadata: { name: 'legacy' },
  spec: { provider: 'imported', nodePools: [], import: { mode, connect: 'manifest' }, profiles },
});

const preview = (stackHash: string): AdoptionPreview => ({
  stackHash,
  at: '2026-03-01T10:00:00.000Z',
  noChanges: true,
  dryRun: false,
  layers: [
    {
      profile: 'apps',
      name: 'settings',
      objects: [
        {
          object: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'settings' },
          action: 'adopt',
        },
      ],
    },
  ],
});

for (const backend of await testBackends()) {
  describe(`adoption previews in the plan of an imported cluster on ${backend.name}`, () => {
    let s: TestServer;
    let token = '';
    const proposed = imported('full', [{ name: 'apps', version: '1.0.0' }]);

    before(async () => {
      s = await startTestServer(backend);
      await expectOk(s.call({ method: 'POST', url: `${P}/clusterprofiles`, body: apps }));
      await expectOk(s.call({ method: 'POST', url: `${P}/clusterprofiles/apps/versions/1.0.0/publish` }));
      await expectOk(s.call({ method: 'POST', url: `${P}/clusters`, body: imported('read-only') }));
    });
    after(async () => s?.close());

    const plan = async (query = '') => {
      const started = Date.now();
      const res = await expectOk(
        s.call({ method: 'POST', url: `${P}/clusters/legacy/plan${query}`, body: proposed }),
      );
      return { plan: res.body.plan as ClusterPlan, ms: Date.now() - started };
    };
    const agent = () => agentProtocol(s, () => token);
    const poll = () => agent().poll();
    const answer = (body: Record<string, unknown>) => agent().answer(body);
    const storedRequests = () =>
      s.database.handle.db
        .withTables<{ agent_requests: { id: string; request: string } }>()
        .selectFrom('agent_requests')
        .select(['id', 'request'])
        .execute();

    it('answers at once, with the reason, when the agent never connected', async () => {
      const { plan: p, ms } = await plan();
      assert.ok(p.layers?.added.some((l) => l.name === 'settings'));
      assert.equal(p.adoption, undefined);
      assert.equal(p.adoptionUnavailable, 'the agent of this cluster has not connected yet');
      assert.ok(ms < 2000, `${ms} ms`);
    });

    it('waits a bounded time for an agent that does not pick the request up', async () => {
      const rotated = await expectOk(
        s.call({ method: 'POST', url: `${P}/clusters/legacy/rotate-agent-token` }),
      );
      token = String(rotated.body.token);
      await agent().report();
      const { plan: p, ms } = await plan('?adoptionWaitSeconds=1');
      assert.match(
        p.adoptionUnavailable ?? '',
        /^the agent did not pick up the preview request within 1(\.\d)? s$/,
      );
      assert.ok(ms >= 1000 && ms < 4000, `${ms} ms`);
      assert.deepEqual(await storedRequests(), [], 'nothing left behind');
      const skipped = await plan('?adoptionWaitSeconds=0');
      assert.equal(skipped.plan.adoptionUnavailable, 'not asked for (adoptionWaitSeconds=0)');
      const bad = await s.call({
        method: 'POST',
        url: `${P}/clusters/legacy/plan?adoptionWaitSeconds=soon`,
        body: proposed,
      });
      assert.equal(bad.status, 400);
    });

    it('delivers the request through the long poll and returns the agent’s answer', async () => {
      const planned = plan();
      const message = await poll();
      assert.equal(message.revision, 0, 'nothing published (no controller runs here): the agent ignores it');
      const request = message.request!;
      assert.ok(request.type === 'adoption-preview' && request.id);
      assert.deepEqual(
        (request.stack.layers as { name: string }[]).map((l) => l.name),
        ['settings'],
      );
      const rows = await storedRequests();
      assert.equal(rows.length, 1);
      assert.ok(!rows[0]!.request.includes(SECRET_VALUE), 'the stored request is encrypted');
      assert.ok(JSON.stringify(request).includes(SECRET_VALUE), 'the agent gets the resolved stack');

      const claimedTwice = await s.call({
        method: 'GET',
        url: '/v1/agent/desired-state?after=0&waitSeconds=1',
        key: token,
      });
      assert.equal(claimedTwice.status, 204, 'a claimed request is delivered once');

      const invalid = await answer({ id: request.id, preview: { ...preview('h'), noChanges: 'yes' } });
      assert.equal(invalid.status, 422);
      assert.deepEqual(invalid.body.issues, [
        { path: '/body/preview/noChanges', message: 'must be boolean' },
      ]);
      const both = await answer({ id: request.id, preview: preview(request.stack.hash), error: 'x' });
      assert.equal(both.status, 422);
      assert.match(both.text, /give exactly one of preview, read and error/);
      const unknown = await answer({ id: 'not-a-request', error: 'x' });
      assert.equal(unknown.status, 404);
      const noToken = await s.call({
        method: 'POST',
        url: '/v1/agent/answer',
        key: null,
        body: { protocol: 1, id: request.id, error: 'x' },
      });
      assert.equal(noToken.status, 401);

      const sent = preview(request.stack.hash);
      assert.equal((await answer({ id: request.id, preview: sent })).status, 204);
      const { plan: p } = await planned;
      assert.deepEqual(p.adoption, sent);
      assert.equal(p.adoptionUnavailable, undefined);
      assert.deepEqual(await storedRequests(), []);
      assert.equal((await answer({ id: request.id, error: 'late' })).status, 404, 'answered once');
    });

    it('says why when the agent answers with an error, or picks the request up and goes quiet', async () => {
      const failing = plan();
      const request = (await poll()).request!;
      await expectOk(answer({ id: request.id, error: 'the API server is unreachable' }));
      assert.equal(
        (await failing).plan.adoptionUnavailable,
        'the agent could not complete the preview: the API server is unreachable',
      );

      const quiet = plan('?adoptionWaitSeconds=2');
      await poll();
      assert.match(
        (await quiet).plan.adoptionUnavailable ?? '',
        /^the agent did not answer within 2(\.\d)? s \(agents older than this server/,
      );
    });

    it('asks nothing for clusters Strata built or imported clusters without profiles', async () => {
      const bare = await expectOk(
        s.call({ method: 'POST', url: `${P}/clusters/legacy/plan`, body: imported('full') }),
      );
      const p = bare.body.plan as ClusterPlan;
      assert.equal(p.adoption, undefined);
      assert.equal(p.adoptionUnavailable, undefined);
    });
  });

  describe(`selected objects for a generated profile, read through the agent, on ${backend.name}`, () => {
    let s: TestServer;
    let token = '';
    const web = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' };
    const gone = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'gone' };
    const ns = { apiVersion: 'v1', kind: 'Namespace', name: 'shop' };
    const widgetA = { apiVersion: 'a.example.com/v1', kind: 'Widget', namespace: 'shop', name: 'w' };
    const widgetB = { apiVersion: 'b.example.com/v1', kind: 'Widget', namespace: 'shop', name: 'w' };
    const discovery = {
      observedAt: new Date().toISOString(),
      durationMs: 10,
      kubernetesVersion: 'v1.36.3',
      distribution: { name: 'unknown', evidence: [] },
      nodePools: [],
      cni: [],
      csi: { drivers: [], storageClasses: [] },
      ingress: [],
      helmReleases: [],
      workloads: [ns, web, gone, widgetA, widgetB],
      counts: { objects: 5, namespaces: 1, nodes: 0 },
    };
    const live = {
      ...web,
      metadata: {
        name: 'web',
        namespace: 'shop',
        uid: '6f1c',
        resourceVersion: '812',
        creationTimestamp: '2026-01-01T00:00:00Z',
        managedFields: [{ manager: 'kubectl' }],
      },
      spec: { replicas: 2 },
      status: { readyReplicas: 2 },
    };

    before(async () => {
      s = await startTestServer(backend);
      await expectOk(s.call({ method: 'POST', url: `${P}/clusters`, body: imported('read-only') }));
      token = String(
        (await expectOk(s.call({ method: 'POST', url: `${P}/clusters/legacy/rotate-agent-token` }))).body
          .token,
      );
      await agentProtocol(s, () => token).report({ discovery });
    });
    after(async () => s?.close());

    const generate = (body: Record<string, unknown>, query = '') =>
      s.call({ method: 'POST', url: `${P}/clusters/legacy/generate-profile${query}`, body });
    const poll = async () => (await agentProtocol(s, () => token).poll()).request!;
    const answer = (body: Record<string, unknown>) => agentProtocol(s, () => token).answer(body);

    it('refuses, naming each, objects that are not discovered workloads or are ambiguous; nothing is stored', async () => {
      const res = await generate({
        name: 'legacy-gen',
        version: '1.0.0',
        objects: [
          { kind: 'Deployment', namespace: 'shop', name: 'web' },
          { kind: 'Secret', namespace: 'shop', name: 'db' },
          { kind: 'Widget', namespace: 'shop', name: 'w' },
        ],
      });
      assert.equal(res.status, 422, res.text);
      const issues = (res.body as { issues: { path: string; message: string }[] }).issues;
      assert.deepEqual(
        issues.map((i) => i.path),
        ['/objects/1', '/objects/2'],
      );
      assert.match(issues[0]!.message, /Secret shop\/db is not among the workloads the agent discovered/);
      assert.match(
        issues[1]!.message,
        /names 2 discovered workloads \(a.example.com\/v1, b.example.com\/v1\): give apiVersion/,
      );
      const shape = await generate({
        name: 'legacy-gen',
        version: '1.0.0',
        objects: [{ kind: 'Deployment' }],
      });
      assert.equal(shape.status, 422, shape.text);
      assert.match(shape.text, /objects\/0.*must have required property 'name'/);
      const stored = await s.call({ method: 'GET', url: `${P}/clusterprofiles/legacy-gen` });
      assert.equal(stored.status, 404);
    });

    it('asks the agent for the objects, copies them cleaned into manifest layers, and lists what it could not read', async () => {
      const generated = generate({
        name: 'legacy-gen',
        version: '1.0.0',
        objects: [
          { kind: 'Deployment', namespace: 'shop', name: 'web' },
          { ...web },
          { kind: 'ConfigMap', namespace: 'shop', name: 'gone' },
          widgetB,
        ],
      });
      const request = await poll();
      assert.equal(request.type, 'read-objects');
      assert.deepEqual(request.type === 'read-objects' && request.objects, [web, gone, widgetB]);
      const intruder = {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'everyone-admin' },
      };
      const read = {
        objects: [live, intruder],
        missing: [
          { object: gone, reason: 'not found in the cluster (deleted since discovery?)' },
          { object: widgetB, reason: 'cannot be read: forbidden' },
        ],
      };
      assert.equal((await answer({ id: request.id, read })).status, 204);
      const res = await generated;
      assert.equal(res.status, 201, res.text);
      const body = res.body as {
        profile: { spec: { layers: { name: string; manifest?: string }[] } };
        matched: { item: string; layer: string }[];
        unmatched: { item: string; reason: string }[];
      };
      const layer = body.profile.spec.layers.find((l) => l.name === 'objects-shop');
      assert.ok(layer?.manifest, JSON.stringify(body.profile.spec.layers));
      assert.match(layer.manifest, /kind: Deployment/);
      assert.match(layer.manifest, /replicas: 2/);
      for (const serverSet of [
        'uid',
        'resourceVersion',
        'managedFields',
        'creationTimestamp',
        'readyReplicas',
      ])
        assert.ok(!layer.manifest.includes(serverSet), `${serverSet} is cleaned out`);
      assert.ok(
        !body.profile.spec.layers.some((l) => l.manifest?.includes('everyone-admin')),
        'only the objects asked for',
      );
      assert.deepEqual(body.matched, [{ item: 'Deployment shop/web', layer: 'objects-shop' }]);
      assert.deepEqual(body.unmatched.slice(-2), [
        { item: 'ConfigMap shop/gone', reason: 'not found in the cluster (deleted since discovery?)' },
        { item: 'Widget shop/w', reason: 'cannot be read: forbidden' },
      ]);
    });

    it('fails with 409 and stores nothing when the agent does not answer', async () => {
      const res = await generate(
        { name: 'legacy-quiet', version: '1.0.0', objects: [ns] },
        '?readWaitSeconds=1',
      );
      assert.equal(res.status, 409, res.text);
      assert.match(
        res.text,
        /cannot read the selected objects of cluster \\"legacy\\": the agent did not pick up the object read request within 1(\.\d)? s/,
      );
      const stored = await s.call({ method: 'GET', url: `${P}/clusterprofiles/legacy-quiet` });
      assert.equal(stored.status, 404);
    });
  });
}
