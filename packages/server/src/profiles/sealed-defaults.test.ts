/**
 * Finding 15 of issue 14 (part): the default of a `sensitive: true` variable was stored and returned in clear. It is
 * sealed like a cluster's sensitive variables now (docs/decisions/0004-sealed-variables.md).
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { ClusterSpec } from '@strata/api';
import { testBackends } from '@strata/testing';
import { resolveCluster } from '../clusters/resolve-cluster.js';
import { expectOk, startTestServer, type CallResult, type TestServer } from '../test/harness.js';

const SECRET = 'hunter2-very-secret-default';
const base = '/v1/projects/default/clusterprofiles';
const key = (version: string) => ({
  kind: 'ClusterProfile',
  tenant: 'default',
  project: 'default',
  name: 'sealed',
  version,
});

const profile = (version: string, token: unknown = SECRET) => ({
  metadata: { name: 'sealed' },
  spec: {
    type: 'full',
    version,
    variables: [
      { name: 'token', type: 'string', sensitive: true, regex: '[a-z0-9-]+', default: token },
      { name: 'team', type: 'string', default: 'web' },
    ],
    layers: [
      { pack: 'ubuntu', version: '24.04.1' },
      { pack: 'kubernetes', version: '1.36.3' },
      { pack: 'sandbox-cni', version: '0.1.0' },
      { pack: 'sandbox-csi', version: '0.1.0' },
      {
        name: 'creds',
        manifest:
          "apiVersion: v1\nkind: Secret\nmetadata: {name: creds, namespace: default}\nstringData: {token: '{{ .var.token }}'}\n",
      },
    ],
  },
});

const defaultOf = (res: CallResult) =>
  ((res.body.spec as { variables: { default?: unknown }[] }).variables[0] ?? {}).default;

for (const backend of await testBackends()) {
  describe(`sealed defaults of sensitive variables on ${backend.name}`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(backend);
    });
    after(async () => s?.close());

    const stored = async (version: string) =>
      (await s.store.get({ tenant: 'default', projects: '*' }, key(version)))!;
    const storedDefault = async (version: string) =>
      ((await stored(version)).spec.variables as { default?: unknown }[])[0]?.default as { $sealed: string };

    it('is stored encrypted and every response shows ********', async () => {
      const created = await s.call({ method: 'POST', url: base, body: profile('1.0.0') });
      assert.equal(created.status, 201, created.text);
      assert.equal(defaultOf(created), '********');
      const sealed = await storedDefault('1.0.0');
      assert.equal(typeof sealed.$sealed, 'string');
      assert.equal(JSON.parse(s.cipher.decrypt(sealed.$sealed)), SECRET);
      assert.ok(!JSON.stringify(await stored('1.0.0')).includes(SECRET), 'the row holds no clear default');
      const reads = [
        await s.call({ method: 'GET', url: `${base}/sealed/versions/1.0.0` }),
        await s.call({ method: 'GET', url: `${base}/sealed` }),
        await s.call({ method: 'GET', url: base }),
        await s.call({ method: 'GET', url: `${base}/sealed/versions` }),
      ];
      for (const res of [created, ...reads]) assert.ok(!res.text.includes(SECRET), res.text.slice(0, 200));
      if (s.database.file) {
        const raw = await readFile(s.database.file);
        const wal = await readFile(`${s.database.file}-wal`).catch(() => Buffer.alloc(0));
        assert.ok(!raw.includes(SECRET) && !wal.includes(SECRET), 'the database file holds only ciphertext');
      }
    });

    it('******** written back keeps it (same generation); a new default replaces it', async () => {
      const before = await stored('1.0.0');
      const same = await s.call({
        method: 'PUT',
        url: `${base}/sealed/versions/1.0.0`,
        body: profile('1.0.0', '********'),
      });
      assert.equal(same.status, 200, same.text);
      assert.equal((await stored('1.0.0')).metadata.generation, before.metadata.generation);
      assert.deepEqual(
        await storedDefault('1.0.0'),
        (before.spec.variables as { default: unknown }[])[0]?.default,
      );
      const again = await s.call({
        method: 'PUT',
        url: `${base}/sealed/versions/1.0.0`,
        body: profile('1.0.0'),
      });
      assert.equal((await stored('1.0.0')).metadata.generation, before.metadata.generation, again.text);
      const changed = await s.call({
        method: 'PUT',
        url: `${base}/sealed/versions/1.0.0`,
        body: profile('1.0.0', 'other-secret'),
      });
      assert.equal(changed.status, 200, changed.text);
      assert.equal(JSON.parse(s.cipher.decrypt((await storedDefault('1.0.0')).$sealed)), 'other-secret');
      await expectOk(s.call({ method: 'PUT', url: `${base}/sealed/versions/1.0.0`, body: profile('1.0.0') }));
    });

    it('is validated in clear: ******** without a stored default and a wrong default are 422s', async () => {
      const none = await s.call({ method: 'POST', url: base, body: profile('2.0.0', '********') });
      assert.equal(none.status, 422, none.text);
      assert.ok((none.body.issues as { path: string }[]).some((i) => i.path === '/spec/variables/0/default'));
      const wrong = await s.call({ method: 'POST', url: base, body: profile('2.0.0', 'UPPER CASE') });
      assert.equal(wrong.status, 422, wrong.text);
      assert.ok(!wrong.text.includes('UPPER CASE'), 'messages never repeat a sensitive value');
    });

    it('is revealed only to publish, clone and resolve; none of them shows it', async () => {
      const published = await s.call({ method: 'POST', url: `${base}/sealed/versions/1.0.0/publish` });
      assert.equal(published.status, 200, published.text);
      const clone = await s.call({
        method: 'POST',
        url: `${base}/sealed/versions/1.0.0/clone`,
        body: { version: '1.1.0' },
      });
      assert.equal(clone.status, 201, clone.text);
      assert.equal(JSON.parse(s.cipher.decrypt((await storedDefault('1.1.0')).$sealed)), SECRET);
      for (const variables of [{}, { token: '********' }]) {
        const resolved = await s.call({
          method: 'POST',
          url: `${base}/sealed/versions/1.0.0/resolve`,
          body: { variables },
        });
        assert.equal(resolved.status, 200, resolved.text);
        assert.ok(!resolved.text.includes(SECRET), 'the preview is masked');
        assert.match(resolved.text, /"token":"\*{8}"/, 'resolved with the default, shown masked');
      }
      for (const res of [published, clone]) assert.ok(!res.text.includes(SECRET));
    });

    it('a cluster resolving the profile gets the real default (for its agent)', async () => {
      const spec = {
        provider: 'sandbox',
        nodePools: [{ name: 'cp', controlPlane: true, count: 1 }],
        profiles: [{ name: 'sealed', version: '1.0.0' }],
      } as ClusterSpec;
      const resolved = await resolveCluster({
        store: s.store,
        catalogs: s.catalogs,
        cipher: s.cipher,
        cluster: { tenant: 'default', project: 'default', name: 'c1' },
        spec,
        providers: ['sandbox'],
      });
      assert.deepEqual(resolved.issues, []);
      assert.ok(JSON.stringify(resolved.stack).includes(SECRET));
      assert.ok(resolved.secrets.includes(SECRET), 'and knows to mask it wherever the stack is shown');
    });
  });
}
