/**
 * The agent manifest is rendered by a POST, because rendering it issues a new agent token (audited; the previous
 * token stops working). A GET changes nothing: it answers 405 and says to use POST.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testBackends } from '@strata/testing';
import { parseAllDocuments } from 'yaml';
import { createUserWithRole, expectOk, startTestServer, type TestServer } from '../test/harness.js';

const P = '/v1/projects/default';
const MANIFEST = `${P}/clusters/edge/agent-manifest`;

const imported = {
  metadata: { name: 'edge' },
  spec: { provider: 'imported', nodePools: [], import: { mode: 'read-only', connect: 'manifest' } },
};

type Doc = { kind: string; metadata: { name: string }; stringData?: { token: string } };
const docs = (yaml: string): Doc[] => parseAllDocuments(yaml).map((d) => d.toJS() as Doc);
const tokenIn = (yaml: string) => docs(yaml).find((d) => d.kind === 'Secret')?.stringData?.token ?? '';

for (const backend of await testBackends()) {
  describe(`the agent manifest on ${backend.name}`, () => {
    let s: TestServer;
    let token = '';

    before(async () => {
      s = await startTestServer(backend);
      await expectOk(s.call({ method: 'POST', url: `${P}/clusters`, body: imported }));
      const rotated = await expectOk(
        s.call({ method: 'POST', url: `${P}/clusters/edge/rotate-agent-token` }),
      );
      token = String(rotated.body.token);
    });
    after(async () => s?.close());

    const agentAnswers = async (t: string) =>
      (await s.call({ method: 'GET', url: '/v1/agent/desired-state?after=0&waitSeconds=0', key: t })).status;
    const tokenAudits = async () =>
      (await expectOk(s.call({ method: 'GET', url: `${P}/auditentries` }))).body.items!.filter(
        (e) =>
          (e.spec as { detail?: string }).detail === 'agent token issued (the previous one stopped working)',
      ).length;

    it('a GET changes nothing: 405, Allow: POST, the token keeps working, nothing audited', async () => {
      const audits = await tokenAudits();
      const res = await s.call({ method: 'GET', url: MANIFEST });
      assert.equal(res.status, 405, res.text);
      assert.equal(res.headers.allow, 'POST');
      assert.match(String(res.body.detail), /rendered with POST .*issues a new agent token/);
      assert.equal(await agentAnswers(token), 204, 'the current token still works');
      assert.equal(await tokenAudits(), audits);
    });

    it('a POST renders the agent with a new token, audited; the previous token stops working', async () => {
      const audits = await tokenAudits();
      const res = await s.call({ method: 'POST', url: MANIFEST });
      assert.equal(res.status, 200, res.text);
      assert.match(String(res.headers['content-type']), /^application\/yaml/);
      assert.equal(res.headers['cache-control'], 'no-store');
      assert.ok(
        docs(res.text).some((d) => d.kind === 'ClusterRole' && d.metadata.name === 'strata-agent-full'),
      );
      const issued = tokenIn(res.text);
      assert.match(issued, /^sat\./);
      assert.equal(await agentAnswers(issued), 204, 'the new token authenticates');
      assert.equal(await agentAnswers(token), 401, 'the previous token stopped working');
      assert.equal(await tokenAudits(), audits + 1);
      token = issued;

      const readOnly = await s.call({ method: 'POST', url: MANIFEST, body: { mode: 'read-only' } });
      assert.equal(readOnly.status, 200, readOnly.text);
      assert.ok(
        docs(readOnly.text).some(
          (d) => d.kind === 'ClusterRole' && d.metadata.name === 'strata-agent-read-only',
        ),
      );
      token = tokenIn(readOnly.text);
    });

    it('refuses a bad body naming the field, and callers without cluster.agent-manifest; issues nothing', async () => {
      const audits = await tokenAudits();
      for (const [body, path] of [
        [{ mode: 'admin' }, '/body/mode'],
        [{ mode: 'full', ttl: 60 }, '/body/ttl'],
      ] as const) {
        const res = await s.call({ method: 'POST', url: MANIFEST, body });
        assert.equal(res.status, 422, res.text);
        assert.deepEqual(
          (res.body.issues as { path: string }[]).map((i) => i.path),
          [path],
        );
      }
      const viewer = await createUserWithRole(s, { user: 'vic', role: 'project-viewer', project: 'default' });
      for (const method of ['POST', 'GET'] as const) {
        const denied = await s.call({ method, url: MANIFEST, key: viewer });
        assert.equal(denied.status, 403, `${method}: ${denied.text}`);
        assert.match(String(denied.body.detail), /cluster\.agent-manifest/);
      }
      assert.equal(await agentAnswers(token), 204, 'the token still works');
      assert.equal(await tokenAudits(), audits);
    });

    it('is described in the OpenAPI document as a POST with its body', async () => {
      const doc = await expectOk(s.call({ method: 'GET', url: '/v1/openapi.json' }));
      const path = (doc.body.paths as Record<string, Record<string, { requestBody?: unknown }>>)[
        '/v1/projects/{project}/clusters/{name}/agent-manifest'
      ];
      assert.ok(path?.post?.requestBody, JSON.stringify(path));
      assert.match(JSON.stringify(path.post.requestBody), /read-only/);
    });
  });
}
