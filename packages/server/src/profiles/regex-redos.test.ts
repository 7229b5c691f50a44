import assert from 'node:assert/strict';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import { testBackends } from '@strata/testing';
import {
  createUserWithRole,
  expectOk,
  startTestServer,
  type CallOptions,
  type CallResult,
  type TestServer,
} from '../test/harness.js';

/** Finding 5 of issue 14: user-supplied patterns ran on the backtracking engine; `(a+)+b` stalled the server. */
const EVIL = '(a+)+b';
const ATTACK = 'a'.repeat(30); // 2.8 s on a backtracking engine, doubling with every character
const MAX_STALL_MS = 200;

/** Runs a request and fails if it kept the event loop blocked longer than MAX_STALL_MS. */
async function withoutStall(s: TestServer, request: CallOptions): Promise<CallResult> {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const res = await s.call(request);
  // The sampling timer records a block only when it next fires: let it fire before reading the histogram.
  await new Promise((resolve) => setTimeout(resolve, 30));
  delay.disable();
  const stalledMs = delay.max / 1e6;
  assert.ok(stalledMs < MAX_STALL_MS, `the request blocked the event loop ${Math.round(stalledMs)} ms`);
  return res;
}

const paths = (res: CallResult) =>
  ((res.body.issues as { path: string }[] | undefined) ?? []).map((i) => i.path);

const packFiles = (pattern: string, name: string) => ({
  'pack.yaml':
    'name: greeter\nversion: 1.0.0\nlayer: addon\ntype: manifest\ndescription: schema with a pattern\n',
  'values.yaml': `name: ${name}\n`,
  'values.schema.json': JSON.stringify({
    type: 'object',
    properties: { name: { type: 'string', pattern } },
  }),
  'manifests/cm.yaml':
    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: greeter, namespace: default}\ndata: {name: '{{ .values.name }}'}\n",
});

for (const backend of await testBackends()) {
  describe(`user-supplied regular expressions run in linear time on ${backend.name}`, () => {
    let s: TestServer;
    const base = '/v1/projects/default/clusterprofiles';
    before(async () => {
      s = await startTestServer(backend);
    });
    after(async () => s?.close());

    it('a variable regex (a+)+b with a 30-character default is refused fast', async () => {
      const res = await withoutStall(s, {
        method: 'POST',
        url: base,
        body: {
          metadata: { name: 'evil-var' },
          spec: {
            type: 'addon',
            version: '1.0.0',
            variables: [{ name: 'v', type: 'string', regex: EVIL, default: ATTACK }],
            layers: [{ name: 'cm', manifest: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n' }],
          },
        },
      });
      assert.equal(res.status, 422, res.text);
      assert.deepEqual(paths(res), ['/spec/variables/0/default']);
    });

    it('a variable regex with lookahead or a backreference is refused, naming the feature', async () => {
      const res = await s.call({
        method: 'POST',
        url: base,
        body: {
          metadata: { name: 'lookaround' },
          spec: {
            type: 'addon',
            version: '1.0.0',
            variables: [
              { name: 'a', type: 'string', regex: '(?=x)x+' },
              { name: 'b', type: 'string', regex: '(x)\\1' },
            ],
            layers: [{ name: 'cm', manifest: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n' }],
          },
        },
      });
      assert.equal(res.status, 422, res.text);
      const issues = res.body.issues as { path: string; message: string }[];
      const at = (p: string) => issues.find((i) => i.path === p)?.message ?? '';
      assert.match(at('/spec/variables/0/regex'), /linear-time engine cannot run: lookahead/);
      assert.match(at('/spec/variables/1/regex'), /linear-time engine cannot run: backreference/);
    });

    it('a viewer resolving a published profile with an attack value gets a fast 422', async () => {
      await expectOk(
        s.call({
          method: 'POST',
          url: base,
          body: {
            metadata: { name: 'evil-resolve' },
            spec: {
              type: 'addon',
              version: '1.0.0',
              variables: [{ name: 'v', type: 'string', regex: EVIL, default: 'aab' }],
              layers: [
                {
                  name: 'ns',
                  manifest: "apiVersion: v1\nkind: Namespace\nmetadata: {name: 'x{{ .var.v }}'}\n",
                },
              ],
            },
          },
        }),
      );
      await expectOk(s.call({ method: 'POST', url: `${base}/evil-resolve/versions/1.0.0/publish` }));
      const viewer = await createUserWithRole(s, {
        user: 'reader',
        role: 'project-viewer',
        project: 'default',
      });
      const res = await withoutStall(s, {
        method: 'POST',
        url: `${base}/evil-resolve/versions/1.0.0/resolve`,
        key: viewer,
        body: { variables: { v: ATTACK } },
      });
      assert.equal(res.status, 422, res.text);
      assert.equal(res.body.code, 'STRATA_VARIABLE_INVALID');
      assert.deepEqual(paths(res), ['/variables/v']);
      const ok = await withoutStall(s, {
        method: 'POST',
        url: `${base}/evil-resolve/versions/1.0.0/resolve`,
        key: viewer,
        body: { variables: { v: `${ATTACK}b` } },
      });
      assert.equal(ok.status, 200, ok.text);
    });

    it('a pushed pack values schema pattern (a+)+b runs fast, at push and in profiles', async () => {
      const pushed = await withoutStall(s, {
        method: 'POST',
        url: '/v1/packs/push',
        body: { files: packFiles(EVIL, ATTACK) },
      });
      assert.equal(pushed.status, 422, pushed.text);
      assert.equal(pushed.body.code, 'STRATA_PACK_INVALID');
      await expectOk(
        s.call({ method: 'POST', url: '/v1/packs/push', body: { files: packFiles(EVIL, 'ab') } }),
      );
      const profile = (values: string) => ({
        metadata: { name: 'evil-schema' },
        spec: { type: 'addon', version: '1.0.0', layers: [{ pack: 'greeter', version: '1.0.0', values }] },
      });
      const refused = await withoutStall(s, {
        method: 'POST',
        url: base,
        body: profile(`name: ${ATTACK}\n`),
      });
      assert.equal(refused.status, 422, refused.text);
      assert.deepEqual(paths(refused), ['/spec/layers/0/values/name']);
      await expectOk(s.call({ method: 'POST', url: base, body: profile('name: aab\n') }));
      const update = await withoutStall(s, {
        method: 'PUT',
        url: `${base}/evil-schema/versions/1.0.0`,
        body: profile(`name: ${ATTACK}\n`),
      });
      assert.equal(update.status, 422, update.text);
    });

    it('a pushed pack whose schema pattern needs backtracking is refused, naming the feature', async () => {
      const res = await s.call({
        method: 'POST',
        url: '/v1/packs/push',
        body: { files: packFiles('^(?!admin).*$', 'bob') },
      });
      assert.equal(res.status, 422, res.text);
      const issue = (res.body.issues as { path: string; message: string }[])[0];
      assert.equal(issue?.path, '/values.schema.json');
      assert.match(issue?.message ?? '', /linear-time engine cannot run: lookahead/);
    });
  });
}
