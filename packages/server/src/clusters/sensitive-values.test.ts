/**
 * Values of sensitive variables never leave the server in clear, even where they reach a response through the
 * resolved stack: the profile resolve preview, the values diffs of a cluster plan, and the drift (desired and live
 * values) and layer messages an agent reports, which are stored masked.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MASK } from '@strata/core';
import { ClusterAgentRepository } from '@strata/store';
import { testBackends } from '@strata/testing';
import { ClusterAgents } from './cluster-agents.js';
import { agentProtocol, expectOk, startTestServer, type TestServer } from '../test/harness.js';

const P = '/v1/projects/default';
const OLD = 'hunter2-old-password';
const NEW = 'hunter2-new-password';

const db = {
  metadata: { name: 'db' },
  spec: {
    type: 'addon',
    version: '1.0.0',
    variables: [{ name: 'dbPassword', type: 'secret' }],
    layers: [
      {
        name: 'settings',
        manifest:
          'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: default}\ndata: {url: "postgres://app:{{ .var.dbPassword }}@db"}\n',
      },
    ],
  },
};

const legacy = (password: string) => ({
  metadata: { name: 'legacy' },
  spec: {
    provider: 'imported',
    nodePools: [],
    import: { mode: 'full', connect: 'manifest' },
    profiles: [{ name: 'db', version: '1.0.0', variables: { dbPassword: password } }],
  },
});

for (const backend of await testBackends()) {
  describe(`sensitive variable values stay masked on ${backend.name}`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(backend);
      await expectOk(s.call({ method: 'POST', url: `${P}/clusterprofiles`, body: db }));
      await expectOk(s.call({ method: 'POST', url: `${P}/clusterprofiles/db/versions/1.0.0/publish` }));
      await expectOk(s.call({ method: 'POST', url: `${P}/clusters`, body: legacy(OLD) }));
    });
    after(async () => s?.close());

    it('the profile resolve preview masks the value it was given', async () => {
      const res = await expectOk(
        s.call({
          method: 'POST',
          url: `${P}/clusterprofiles/db/versions/1.0.0/resolve`,
          body: { variables: { dbPassword: NEW } },
        }),
      );
      assert.ok(!res.text.includes(NEW), res.text);
      assert.ok(res.text.includes(`postgres://app:${MASK}@db`), res.text);
    });

    it('a plan that changes the value shows the change, masked on both sides', async () => {
      const res = await expectOk(
        s.call({
          method: 'POST',
          url: `${P}/clusters/legacy/plan?adoptionWaitSeconds=0`,
          body: legacy(NEW),
        }),
      );
      const plan = JSON.stringify(res.body.plan);
      assert.ok(!plan.includes(OLD) && !plan.includes(NEW), plan);
      const changed = (res.body.plan as { layers: { changed: { name: string }[] } }).layers.changed;
      assert.deepEqual(
        changed.map((l) => l.name),
        ['settings'],
        'the layer still shows as changed',
      );
      assert.ok(plan.includes(MASK), plan);
    });

    it('drift values and layer messages an agent reports are stored masked', async () => {
      const cluster = await expectOk(s.call({ method: 'GET', url: `${P}/clusters/legacy` }));
      const uid = (cluster.body.metadata as { uid: string }).uid;
      const token = String(
        (await expectOk(s.call({ method: 'POST', url: `${P}/clusters/legacy/rotate-agent-token` }))).body
          .token,
      );
      // What the cluster controller publishes (no controller runs here): the secrets travel with the revision.
      const agents = new ClusterAgents({
        repository: new ClusterAgentRepository({ db: s.database.handle.db }),
        cipher: s.cipher,
      });
      await agents.publish(uid, {
        stack: { layers: [], hash: 'sha256:test', sensitive: [] },
        policy: { drift: 'report', paused: false },
        mode: 'full',
        secrets: [OLD],
      });
      const object = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'settings' };
      await agentProtocol(s, () => token).report({
        revision: 1,
        layers: [
          {
            profile: 'db',
            name: 'settings',
            hash: 'sha256:l',
            state: 'Drifted',
            message: `cannot apply: url "postgres://app:${OLD}@db" refused`,
            drift: [
              {
                object,
                path: '/data/url',
                desired: `postgres://app:${OLD}@db`,
                live: 'postgres://app:guess@db',
              },
            ],
          },
        ],
      });
      const stored = await expectOk(s.call({ method: 'GET', url: `${P}/clusters/legacy` }));
      assert.ok(!JSON.stringify(stored.body.status).includes(OLD), 'nowhere in the status');
      const layer = (
        stored.body.status as {
          layers: { message: string; drift: { desired: string; live: string }[] }[];
        }
      ).layers[0]!;
      assert.equal(layer.drift[0]!.desired, `postgres://app:${MASK}@db`);
      assert.equal(layer.drift[0]!.live, 'postgres://app:guess@db');
      assert.equal(layer.message, `cannot apply: url "postgres://app:${MASK}@db" refused`);
      const events = await expectOk(s.call({ method: 'GET', url: `${P}/clusters/legacy/events` }));
      assert.ok(!events.text.includes(OLD));
    });
  });
}
