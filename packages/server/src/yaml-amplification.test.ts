/**
 * YAML that is small as text but expands hugely through aliases (under the alias-count limit) is refused quickly and
 * stores nothing: request bodies (small ones parsed in place, large ones in a worker) and resolve overrides.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testBackends } from '@strata/testing';
import { createUserWithRole, expectOk, startTestServer, type TestServer } from './test/harness.js';
import { longestStall } from './test/longest-stall.js';

const P = '/v1/projects/default';

/** A Cluster whose labels anchor a list of `items` strings, repeated by `copies` aliases. */
function amplifiedCluster(name: string, items: number, copies: number): string {
  const list = Array.from({ length: items }, (_, i) => `x${String(i).padStart(7, '0')}`).join(', ');
  return `metadata:
  name: ${name}
spec:
  provider: sandbox
  providerConfig:
    big: &big [${list}]
    copies: [${Array(copies).fill('*big').join(', ')}]
`;
}

for (const backend of await testBackends()) {
  describe(`YAML alias amplification on ${backend.name}`, () => {
    let s: TestServer;
    let viewer: string;
    before(async () => {
      s = await startTestServer(backend);
      viewer = await createUserWithRole(s, { user: 'vic', role: 'project-viewer', project: 'default' });
    });
    after(async () => s?.close());

    const post = (payload: string) =>
      s.call({ method: 'POST', url: `${P}/clusters`, payload, contentType: 'application/yaml' });

    it('a 196 KB body that expands to 40 MB is refused with 413 and stores nothing', async () => {
      const body = amplifiedCluster('amp', 19_000, 100);
      assert.ok(body.length < 200_000, String(body.length));
      const before = await s.store.currentResourceVersion();
      const res = await post(body);
      assert.equal(res.status, 413, res.text);
      assert.equal(res.body.code, 'STRATA_BODY_TOO_LARGE');
      assert.match(String(res.body.detail), /expands to more than \d+ bytes/);
      assert.doesNotMatch(res.text, /x0000001/, 'the body is not echoed');
      assert.equal(await s.store.currentResourceVersion(), before);
      assert.equal((await s.call({ method: 'GET', url: `${P}/clusters/amp` })).status, 404);
    });

    it('a body over 256 KiB is parsed in a worker: amplification refused, the event loop not blocked > 200 ms', async () => {
      const body = amplifiedCluster('amp2', 30_000, 100);
      assert.ok(body.length > 256 * 1024 && body.length < 1024 * 1024, String(body.length));
      const { value: res, stallMs } = await longestStall(() => post(body));
      assert.equal(res.status, 413, res.text);
      assert.ok(stallMs < 200, `the event loop was blocked ${Math.round(stallMs)} ms`);
      assert.equal((await s.call({ method: 'GET', url: `${P}/clusters/amp2` })).status, 404);
    });

    it('a malformed YAML body is a 400 that names only the position, never the text', async () => {
      const res = await post('metadata: {name: x}\nspec:\n  kubeconfig: "token-hunter2\n  : [\n');
      assert.equal(res.status, 400, res.text);
      assert.equal(res.body.code, 'STRATA_MALFORMED_BODY');
      assert.match(String(res.body.detail), /^the body is not valid YAML at line \d+, column \d+$/);
      assert.doesNotMatch(res.text, /hunter2/);
    });

    it("a project viewer's 98 KB resolve overrides that expand are refused quickly with 422", async () => {
      await expectOk(
        s.call({
          method: 'POST',
          url: `${P}/clusterprofiles`,
          body: {
            metadata: { name: 'amp' },
            spec: {
              type: 'addon',
              version: '1.0.0',
              layers: [
                {
                  name: 'cm',
                  chart: { repository: 'https://charts.example.org', name: 'cm', version: '1.0.0' },
                },
              ],
            },
          },
        }),
      );
      await expectOk(s.call({ method: 'POST', url: `${P}/clusterprofiles/amp/versions/1.0.0/publish` }));
      const list = Array.from({ length: 10_000 }, (_, i) => `x${String(i).padStart(6, '0')}`).join(', ');
      const values = `big: &big [${list}]\ncopies: [${Array(50).fill('*big').join(', ')}]\n`;
      assert.ok(values.length < 100_000);
      const started = performance.now();
      const res = await s.call({
        method: 'POST',
        url: `${P}/clusterprofiles/amp/versions/1.0.0/resolve`,
        key: viewer,
        body: { overrides: { cm: { values } } },
      });
      assert.ok(performance.now() - started < 10_000);
      assert.equal(res.status, 422, res.text);
      assert.match(JSON.stringify(res.body.issues), /expands to more than \d+ bytes/);
    });
  });
}
