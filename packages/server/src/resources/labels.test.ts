/**
 * Finding 13 of issue 14: label keys and values were not validated (`a,b`, `x in (y)`, empty, 5,000 characters were
 * stored), and a tenant user could label a Pack `strata.dev/builtin=true`, after which nobody could delete it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testBackends } from '@strata/testing';
import { createUserWithRole, expectOk, startTestServer, type TestServer } from '../test/harness.js';

const BUILTIN = 'strata.dev/builtin';
const escape = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

const badMetadata: { name: string; field: 'labels' | 'annotations'; key: string; value: string }[] = [
  { name: 'a comma in a key', field: 'labels', key: 'a,b', value: 'x' },
  { name: 'a selector expression as a value', field: 'labels', key: 'tier', value: 'x in (y)' },
  { name: 'an empty key', field: 'labels', key: '', value: 'x' },
  { name: 'a 5,000-character key', field: 'labels', key: 'k'.repeat(5000), value: 'x' },
  { name: 'a 64-character value', field: 'labels', key: 'long', value: 'v'.repeat(64) },
  { name: 'two slashes in a key', field: 'labels', key: 'a/b/c', value: 'x' },
  { name: 'an upper-case prefix', field: 'labels', key: 'Example.com/x', value: 'x' },
  { name: 'a 254-character prefix', field: 'labels', key: `${'p'.repeat(254)}/x`, value: 'x' },
  { name: 'a value ending in "-"', field: 'labels', key: 'v', value: 'ends-' },
  { name: 'a space in an annotation key', field: 'annotations', key: 'my note', value: 'free text is fine' },
];

for (const backend of await testBackends()) {
  describe(`labels and annotations on ${backend.name}`, () => {
    let s: TestServer;
    let editor: string;
    before(async () => {
      s = await startTestServer(backend);
      editor = await createUserWithRole(s, { user: 'ed', role: 'tenant-admin' });
    });
    after(async () => s?.close());

    for (const row of badMetadata) {
      it(`${row.name} → 422 naming the ${row.field.slice(0, -1)}, nothing stored`, async () => {
        const before = await s.store.currentResourceVersion();
        const res = await s.call({
          method: 'POST',
          url: '/v1/macros',
          body: { metadata: { name: 'm', [row.field]: { [row.key]: row.value } }, spec: { value: 'v' } },
        });
        assert.equal(res.status, 422, res.text.slice(0, 300));
        const issues = res.body.issues as { path: string; message: string }[];
        assert.deepEqual(
          issues.map((i) => i.path),
          [`/metadata/${row.field}/${escape(row.key)}`],
        );
        assert.match(issues[0]?.message ?? '', /is not valid/);
        assert.equal(await s.store.currentResourceVersion(), before);
      });
    }

    it('Kubernetes-style keys and values are accepted', async () => {
      const labels = {
        'app.kubernetes.io/name': 'shop',
        tier: '',
        'x_y.z-1': 'A.b_c-9',
        [`${'a'.repeat(63)}`]: 'v',
      };
      const res = await s.call({
        method: 'POST',
        url: '/v1/macros',
        body: {
          metadata: { name: 'ok', labels, annotations: { 'example.com/note': 'any text, (even) this' } },
          spec: { value: 'v' },
        },
      });
      assert.equal(res.status, 201, res.text.slice(0, 300));
    });

    it('a user cannot add strata.dev/ labels (or subdomains), on any write', async () => {
      const create = await s.call({
        method: 'POST',
        url: '/v1/macros',
        key: editor,
        body: { metadata: { name: 'fake', labels: { [BUILTIN]: 'true' } }, spec: { value: 'v' } },
      });
      assert.equal(create.status, 422, create.text);
      assert.deepEqual(
        (create.body.issues as { path: string }[]).map((i) => i.path),
        ['/metadata/labels/strata.dev~1builtin'],
      );
      await expectOk(
        s.call({
          method: 'POST',
          url: '/v1/macros',
          key: editor,
          body: { metadata: { name: 'mine' }, spec: { value: 'v' } },
        }),
      );
      for (const label of [BUILTIN, 'team.strata.dev/owner']) {
        const patch = await s.call({
          method: 'PATCH',
          url: '/v1/macros/mine',
          key: editor,
          contentType: 'application/merge-patch+json',
          body: { metadata: { labels: { [label]: 'true' } } },
        });
        assert.equal(patch.status, 422, `${label}: ${patch.text}`);
      }
      const put = await s.call({
        method: 'PUT',
        url: '/v1/macros/mine',
        key: editor,
        body: { metadata: { name: 'mine', labels: { [BUILTIN]: 'true' } }, spec: { value: 'v' } },
      });
      assert.equal(put.status, 422, put.text);
      const lookalike = await s.call({
        method: 'PATCH',
        url: '/v1/macros/mine',
        key: editor,
        contentType: 'application/merge-patch+json',
        body: { metadata: { labels: { 'notstrata.dev/x': 'y' } } },
      });
      assert.equal(lookalike.status, 200, 'only strata.dev and its subdomains are reserved');
    });

    it('a user Pack cannot be labelled built-in; a built-in pack keeps its label and stays undeletable', async () => {
      const files = {
        'pack.yaml': 'name: mine\nversion: 1.0.0\nlayer: addon\ntype: manifest\ndescription: a user pack\n',
        'manifests/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: mine, namespace: default}\n',
      };
      await expectOk(s.call({ method: 'POST', url: '/v1/packs/push', key: editor, body: { files } }));
      const label = await s.call({
        method: 'PATCH',
        url: '/v1/packs/mine/versions/1.0.0',
        key: editor,
        contentType: 'application/merge-patch+json',
        body: { metadata: { labels: { [BUILTIN]: 'true' } } },
      });
      assert.equal(label.status, 422, label.text);
      assert.equal(
        (await s.call({ method: 'DELETE', url: '/v1/packs/mine/versions/1.0.0', key: editor })).status,
        200,
      );

      const unlabel = await s.call({
        method: 'PATCH',
        url: '/v1/packs/ubuntu/versions/24.04.1',
        key: editor,
        contentType: 'application/merge-patch+json',
        body: { metadata: { labels: { [BUILTIN]: null, team: 'os' } } },
      });
      assert.equal(unlabel.status, 200, unlabel.text);
      const pack = await s.call({ method: 'GET', url: '/v1/packs/ubuntu/versions/24.04.1', key: editor });
      assert.deepEqual((pack.body.metadata as { labels: Record<string, string> }).labels, {
        [BUILTIN]: 'true',
        team: 'os',
      });
      const builtins = await s.call({
        method: 'GET',
        url: `/v1/packs?labelSelector=${BUILTIN}=true`,
        key: editor,
      });
      assert.ok(builtins.body.items?.some((p) => (p.metadata as { name: string }).name === 'ubuntu'));
      const del = await s.call({ method: 'DELETE', url: '/v1/packs/ubuntu/versions/24.04.1', key: editor });
      assert.equal(del.status, 409, 'still built-in, still undeletable');
    });
  });
}
