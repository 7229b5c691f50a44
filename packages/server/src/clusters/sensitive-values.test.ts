/**
 * Values of sensitive variables never leave the server in clear: a cluster's own variables are sealed in place
 * (encrypted at rest, read back as ********, and ******** written back keeps them), and where they reach a response
 * through the resolved stack they are masked: the profile resolve preview, the values diffs of a cluster plan, and
 * the drift (desired and live values) and layer messages an agent reports, which are stored masked.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MASK } from '@strata/core';
import { ClusterAgentRepository } from '@strata/store';
import { testBackends } from '@strata/testing';
import { ClusterAgents } from '../agent-gateway/cluster-agents.js';
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

const legacyWith = (variables: Record<string, unknown>) => ({
  metadata: { name: 'legacy' },
  spec: {
    provider: 'imported',
    nodePools: [],
    import: { mode: 'full', connect: 'manifest' },
    profiles: [{ name: 'db', version: '1.0.0', variables }],
  },
});

const legacy = (password: string) => legacyWith({ dbPassword: password });

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

    const get = async () => expectOk(s.call({ method: 'GET', url: `${P}/clusters/legacy` }));
    const raw = async () =>
      s.store.get(
        { tenant: 'default', projects: '*' },
        { kind: 'Cluster', tenant: 'default', project: 'default', name: 'legacy' },
      );
    const variables = (spec: Record<string, unknown>) =>
      (spec.profiles as { variables: Record<string, unknown> }[])[0]!.variables;

    it('a cluster stores its sensitive variables encrypted and shows them as ********; ******** written back keeps them', async () => {
      const stored = await raw();
      assert.ok(!JSON.stringify(stored).includes(OLD), 'encrypted at rest');
      const sealed = variables(stored!.spec).dbPassword;
      assert.ok(sealed && typeof sealed === 'object' && '$sealed' in sealed, JSON.stringify(sealed));
      const read = await get();
      assert.ok(!read.text.includes(OLD));
      assert.equal(variables(read.body.spec as Record<string, unknown>).dbPassword, MASK);
      const generation = (read.body.metadata as { generation: number }).generation;

      // What was read, written back: nothing changes (same ciphertext, same generation).
      const back = await expectOk(
        s.call({
          method: 'PUT',
          url: `${P}/clusters/legacy`,
          body: { metadata: { name: 'legacy' }, spec: read.body.spec },
        }),
      );
      assert.equal((back.body.metadata as { generation: number }).generation, generation);
      assert.deepEqual(variables((await raw())!.spec).dbPassword, sealed);

      const forged = await s.call({
        method: 'PUT',
        url: `${P}/clusters/legacy`,
        body: legacyWith({ dbPassword: { $sealed: 'copied-from-another-cluster' } }),
      });
      assert.equal(forged.status, 422, forged.text);
      assert.match(forged.text, /profiles\/0\/variables\/dbPassword/);
      assert.deepEqual(variables((await raw())!.spec).dbPassword, sealed, 'nothing stored');
    });

    it('******** for a variable with no stored value is refused, naming it', async () => {
      const res = await s.call({
        method: 'POST',
        url: `${P}/clusters`,
        body: { ...legacy(MASK), metadata: { name: 'other' } },
      });
      assert.equal(res.status, 422, res.text);
      assert.match(res.text, /stands for the stored value, but variable dbPassword has none/);
    });

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

    it('a plan with ******** changes nothing; one with a new value shows the change, masked on both sides', async () => {
      const same = await expectOk(
        s.call({
          method: 'POST',
          url: `${P}/clusters/legacy/plan?adoptionWaitSeconds=0`,
          body: legacy(MASK),
        }),
      );
      assert.deepEqual((same.body.plan as { layers: { changed: unknown[] } }).layers.changed, []);
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
      assert.ok(!stored.text.includes(OLD), 'nowhere in the cluster');
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
