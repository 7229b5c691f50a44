/**
 * The plan of an imported cluster asks its agent for an adoption preview: the request waits in the database until
 * the agent's long poll claims it, the agent's answer (posted with its token) ends the plan's wait. Every way it can
 * go without a preview answers with the reason, in bounded time: no agent yet, an agent that never picks the request
 * up, one that picks it up and does not answer, one that cannot compute it. The "agent" here is this test speaking
 * the agent protocol over HTTP.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AdoptionPreview, ClusterPlan, DesiredStateMessage } from '@strata/api';
import { testBackends } from '@strata/testing';
import { expectOk, startTestServer, type TestServer } from '../test/harness.js';

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
    const poll = async () => {
      const res = await s.call({
        method: 'GET',
        url: '/v1/agent/desired-state?after=0&waitSeconds=10',
        key: token,
      });
      assert.equal(res.status, 200, res.text);
      return res.body as unknown as DesiredStateMessage;
    };
    const answer = (body: Record<string, unknown>) =>
      s.call({
        method: 'POST',
        url: '/v1/agent/adoption-preview',
        key: token,
        body: { protocol: 1, ...body },
      });
    const storedRequests = () =>
      s.database.handle.db
        .withTables<{ adoption_previews: { id: string; request: string } }>()
        .selectFrom('adoption_previews')
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
      const report = {
        protocol: 1,
        agentVersion: '0.1.0',
        revision: 0,
        observedAt: new Date().toISOString(),
        health: 'Healthy',
        layers: [],
      };
      await expectOk(s.call({ method: 'POST', url: '/v1/agent/status', key: token, body: report }));
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
      const request = message.preview!;
      assert.ok(request.id);
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

      const invalid = await answer({ id: request.id, preview: { noChanges: 'yes' } });
      assert.equal(invalid.status, 422);
      const both = await answer({ id: request.id, preview: preview(request.stack.hash), error: 'x' });
      assert.equal(both.status, 422);
      const unknown = await answer({ id: 'not-a-request', error: 'x' });
      assert.equal(unknown.status, 404);
      const noToken = await s.call({
        method: 'POST',
        url: '/v1/agent/adoption-preview',
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
      const request = (await poll()).preview!;
      await expectOk(answer({ id: request.id, error: 'the API server is unreachable' }));
      assert.equal(
        (await failing).plan.adoptionUnavailable,
        'the agent could not compute the preview: the API server is unreachable',
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
}
