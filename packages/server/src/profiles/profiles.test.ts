import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { testBackends } from '@strata/testing';
import { parse } from 'yaml';
import { expectOk, startTestServer, type TestServer } from '../test/harness.js';

const doc = readFileSync(new URL('../../../../docs/reference/profiles.md', import.meta.url), 'utf8');
function example(marker: string): Record<string, unknown> {
  const m = new RegExp(`<!-- example:${marker} -->\\s*\`\`\`yaml\\n([\\s\\S]*?)\`\`\``).exec(doc);
  assert.ok(m, `docs/reference/profiles.md has no ${marker} example`);
  return parse(m[1]!) as Record<string, unknown>;
}

const small = (version: string, extra: Record<string, unknown> = {}) => ({
  metadata: { name: 'small' },
  spec: {
    type: 'full',
    version,
    variables: [{ name: 'team', type: 'string', default: 'web' }],
    layers: [
      { pack: 'ubuntu', version: '24.04.1' },
      { pack: 'kubernetes', version: '1.36.3' },
      { pack: 'sandbox-cni', version: '0.1.0' },
      { pack: 'sandbox-csi', version: '0.1.0' },
      { name: 'team-ns', manifest: "apiVersion: v1\nkind: Namespace\nmetadata: {name: '{{ .var.team }}'}\n" },
    ],
    ...extra,
  },
});

for (const backend of await testBackends()) {
  describe(`cluster profiles through the API on ${backend.name}`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(backend);
    });
    after(async () => s?.close());
    const base = '/v1/projects/default/clusterprofiles';

    it('lists the built-in pack catalog', async () => {
      const packs = await s.call({
        method: 'GET',
        url: '/v1/packs?labelSelector=strata.dev%2Fbuiltin%3Dtrue&limit=1000',
      });
      const names = new Set(packs.body.items!.map((p) => (p.metadata as { name: string }).name));
      for (const n of [
        'ubuntu',
        'kubernetes',
        'calico',
        'cilium',
        'longhorn',
        'ingress-nginx',
        'cert-manager',
        'sandbox-cni',
        'demo-app',
      ]) {
        assert.ok(names.has(n), `built-in catalog has ${n}`);
      }
    });

    it('draft → publish (immutable) → clone → edit → diff', async () => {
      const created = await s.call({ method: 'POST', url: base, body: small('1.0.0') });
      assert.equal(created.status, 201, created.text);
      assert.equal((created.body.status as { state: string }).state, 'Draft');
      const edit = await s.call({
        method: 'PUT',
        url: `${base}/small/versions/1.0.0`,
        body: small('1.0.0', { description: 'edited while draft' }),
      });
      assert.equal(edit.status, 200, edit.text);
      const pub = await s.call({ method: 'POST', url: `${base}/small/versions/1.0.0/publish` });
      assert.equal(pub.status, 200, pub.text);
      assert.equal((pub.body.status as { state: string }).state, 'Published');
      const refused = await s.call({
        method: 'PUT',
        url: `${base}/small/versions/1.0.0`,
        body: small('1.0.0', { description: 'after publish' }),
      });
      assert.equal(refused.status, 409);
      assert.equal(refused.body.code, 'STRATA_PROFILE_PUBLISHED');
      const patched = await s.call({
        method: 'PATCH',
        url: `${base}/small/versions/1.0.0`,
        contentType: 'application/merge-patch+json',
        body: { spec: { description: 'x' } },
      });
      assert.equal(patched.body.code, 'STRATA_PROFILE_PUBLISHED');

      const clone = await s.call({
        method: 'POST',
        url: `${base}/small/versions/1.0.0/clone`,
        body: { version: '1.1.0' },
      });
      assert.equal(clone.status, 201, clone.text);
      assert.equal((clone.body.status as { state: string }).state, 'Draft');
      const v2 = small('1.1.0', { description: 'edited while draft' });
      (v2.spec.layers as unknown[]).splice(4, 1, {
        pack: 'namespaces',
        version: '1.0.0',
        values: 'name: apps\n',
      });
      assert.equal(
        (await s.call({ method: 'PUT', url: `${base}/small/versions/1.1.0`, body: v2 })).status,
        200,
      );

      const latest = await s.call({ method: 'GET', url: `${base}/small` });
      assert.equal(
        (latest.body.spec as { version: string }).version,
        '1.1.0',
        'the newest version is the default',
      );
      const versions = await s.call({ method: 'GET', url: `${base}/small/versions` });
      assert.deepEqual(
        versions.body.items!.map((v) => (v.spec as { version: string }).version),
        ['1.0.0', '1.1.0'],
      );

      const diff = await s.call({ method: 'GET', url: `${base}/small/diff?from=1.0.0&to=1.1.0` });
      assert.equal(diff.status, 200, diff.text);
      const text = JSON.stringify(diff.body);
      assert.match(text, /team-ns/);
      assert.match(text, /namespaces/);
    });

    it('an invalid profile reports all of its problems in one response, and nothing is stored', async () => {
      const before = await s.store.currentResourceVersion();
      const bad = {
        metadata: { name: 'broken' },
        spec: {
          type: 'infra',
          version: '1.0.0',
          variables: [{ name: 'replicas', type: 'number', default: 'three' }],
          layers: [
            { pack: 'kubernetes', version: '1.36.3' },
            { pack: 'ubuntu', version: '24.04.1' },
            { pack: 'calico', version: '9.9.9' },
            { pack: 'no-such-pack', version: '1.0.0' },
            {
              name: 'dup',
              manifest: "kind: ConfigMap\napiVersion: v1\nmetadata: {name: '{{ .var.undeclared }}'}\n",
            },
            { name: 'dup', manifest: 'kind: ConfigMap\napiVersion: v1\nmetadata: {name: x}\n' },
          ],
        },
      };
      const res = await s.call({ method: 'POST', url: base, body: bad });
      assert.equal(res.status, 422, res.text);
      assert.equal(res.body.code, 'STRATA_PROFILE_INVALID');
      const issues = res.body.issues as { path: string; message: string }[];
      const paths = issues.map((i) => i.path);
      for (const p of [
        '/spec/variables/0/default',
        '/spec/layers/2/version',
        '/spec/layers/3/pack',
        '/spec/layers/5/name',
      ]) {
        assert.ok(paths.includes(p), `${p} in ${JSON.stringify(paths)}`);
      }
      assert.ok(
        issues.some((i) => /order|before/i.test(i.message)),
        'layer order is reported',
      );
      assert.ok(
        issues.some((i) => /undeclared/.test(i.message)),
        'the undeclared variable is reported',
      );
      assert.ok(issues.length >= 6, `at least six problems, got ${issues.length}`);
      assert.equal(await s.store.currentResourceVersion(), before);
    });

    it('a malformed version does not hide the other problems: schema and semantic issues in one 422', async () => {
      // Finding 17 of issue 14: the schema check stopped at spec.version and hid everything else.
      const before = await s.store.currentResourceVersion();
      const body = (version: unknown) => ({
        metadata: { name: 'hidden' },
        spec: {
          type: 'full',
          version,
          layers: [
            { pack: 'kubernetes', version: '1.36.3' },
            { pack: 'ubuntu', version: '24.04.1' },
            { pack: 'sandbox-cni', version: '0.1.0' },
            { pack: 'sandbox-csi', version: '0.1.0' },
            { pack: 'no-such-pack', version: '1.0.0' },
            {
              name: 'cm',
              manifest: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: '{{ .var.nope }}'}\n",
            },
          ],
        },
      });
      const created = await s.call({ method: 'POST', url: base, body: body('1.0') });
      assert.equal(created.status, 422, created.text);
      assert.equal(created.body.code, 'STRATA_PROFILE_INVALID');
      const issues = created.body.issues as { path: string; message: string }[];
      const paths = issues.map((i) => i.path);
      for (const p of ['/spec/version', '/spec/layers/4/pack', '/spec/layers/5/manifest'])
        assert.ok(paths.includes(p), `${p} in ${JSON.stringify(paths)}`);
      assert.match(issues.find((i) => i.path === '/spec/version')?.message ?? '', /not a semver version/);
      assert.ok(
        issues.some((i) => i.path.startsWith('/spec/layers/') && /order|before/i.test(i.message)),
        `the layer order is reported: ${JSON.stringify(issues)}`,
      );
      assert.equal(await s.store.currentResourceVersion(), before);

      await expectOk(s.call({ method: 'POST', url: base, body: small('3.0.0') }));
      const replaced = await s.call({ method: 'PUT', url: `${base}/small/versions/3.0.0`, body: body(7) });
      assert.equal(replaced.status, 422, replaced.text);
      const replacedPaths = (replaced.body.issues as { path: string }[]).map((i) => i.path);
      for (const p of ['/spec/version', '/spec/layers/4/pack', '/spec/layers/5/manifest'])
        assert.ok(replacedPaths.includes(p), `PUT: ${p} in ${JSON.stringify(replacedPaths)}`);
    });

    it('profiles malformed in every way are 422s, never 500s', async () => {
      const shapes: unknown[] = [
        {
          type: 7,
          version: null,
          layers: [null, 5, 'x', { pack: 3 }, { manifest: {} }, { chart: 'c', name: 'c' }],
        },
        { type: 'addon', version: '1.0.0', layers: {} },
        {
          type: 'addon',
          version: '1.0.0',
          variables: [null, 5, { name: 5 }, { name: 'v', regex: 3 }],
          layers: [],
        },
        { type: 'full', version: [1], variables: {}, layers: [{ pack: 'ubuntu', version: 1, presets: 'x' }] },
        'not an object',
      ];
      for (const spec of shapes) {
        const res = await s.call({ method: 'POST', url: base, body: { metadata: { name: 'junk' }, spec } });
        assert.equal(res.status, 422, `${JSON.stringify(spec)}: ${res.text.slice(0, 300)}`);
      }
    });

    it('the documented example validates, publishes and resolves to the same hash every time', async () => {
      const ex = example('profile');
      const input = example('resolve') as {
        macros: { tenant: Record<string, string>; project: Record<string, string> };
        variables: Record<string, unknown>;
        overrides: Record<string, unknown>;
        system: Record<string, unknown>;
      };
      await expectOk(
        s.call({ method: 'POST', url: '/v1/projects', body: { metadata: { name: 'retail' }, spec: {} } }),
      );
      for (const [name, value] of Object.entries(input.macros.tenant)) {
        await expectOk(
          s.call({ method: 'POST', url: '/v1/macros', body: { metadata: { name }, spec: { value } } }),
        );
      }
      for (const [name, value] of Object.entries(input.macros.project)) {
        await expectOk(
          s.call({
            method: 'POST',
            url: '/v1/projects/retail/macros',
            body: { metadata: { name }, spec: { value } },
          }),
        );
      }
      const created = await s.call({ method: 'POST', url: '/v1/projects/retail/clusterprofiles', body: ex });
      assert.equal(created.status, 201, created.text);
      await expectOk(
        s.call({
          method: 'POST',
          url: '/v1/projects/retail/clusterprofiles/retail-base/versions/1.0.0/publish',
        }),
      );
      const body = { variables: input.variables, overrides: input.overrides, system: input.system };
      const one = await s.call({
        method: 'POST',
        url: '/v1/projects/retail/clusterprofiles/retail-base/versions/1.0.0/resolve',
        body,
      });
      assert.equal(one.status, 200, one.text);
      const two = await s.call({
        method: 'POST',
        url: '/v1/projects/retail/clusterprofiles/retail-base/versions/1.0.0/resolve',
        body,
      });
      assert.equal(one.body.hash, two.body.hash);
      const layers = one.body.layers as { name: string }[];
      assert.equal(layers.length, 9);
      const info = JSON.stringify(layers.find((l) => l.name === 'cluster-info'));
      assert.match(info, /registry\.retail\.example\.org/, 'the project macro wins');
      const missing = await s.call({
        method: 'POST',
        url: '/v1/projects/retail/clusterprofiles/retail-base/versions/1.0.0/resolve',
        body: { variables: { ingressReplicas: 'many' } },
      });
      assert.equal(missing.status, 422);
      assert.ok((missing.body.issues as { path: string }[]).some((i) => i.path.includes('ingressReplicas')));
    });

    it('pack push: validated, content-addressed, immutable per name and version', async () => {
      const files = (message: string) => ({
        'pack.yaml': 'name: hello\nversion: 1.0.0\nlayer: addon\ntype: manifest\ndescription: a test pack\n',
        'values.yaml': `# greeting\nmessage: ${message}\n`,
        'manifests/cm.yaml':
          "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: hello, namespace: default}\ndata: {message: '{{ .values.message }}'}\n",
      });
      const first = await s.call({ method: 'POST', url: '/v1/packs/push', body: { files: files('hi') } });
      assert.equal(first.status, 201, first.text);
      assert.equal(first.body.action, 'created');
      const again = await s.call({ method: 'POST', url: '/v1/packs/push', body: { files: files('hi') } });
      assert.equal(again.status, 200);
      assert.equal(again.body.action, 'unchanged');
      const changed = await s.call({ method: 'POST', url: '/v1/packs/push', body: { files: files('bye') } });
      assert.equal(changed.status, 409);
      assert.equal(changed.body.code, 'STRATA_IMMUTABLE');
      const invalid = await s.call({
        method: 'POST',
        url: '/v1/packs/push',
        body: { files: { 'pack.yaml': 'name: Bad Name\nlayer: nowhere\n' } },
      });
      assert.equal(invalid.status, 422);
      assert.equal(invalid.body.code, 'STRATA_PACK_INVALID');
      assert.ok((invalid.body.issues as unknown[]).length >= 2);
      const builtin = await s.call({ method: 'DELETE', url: '/v1/packs/ubuntu/versions/24.04.1' });
      assert.equal(builtin.status, 409);
    });
  });
}
