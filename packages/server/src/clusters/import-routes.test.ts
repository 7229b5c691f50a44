import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ImportLinkRepository, type TestDatabase } from '@strata/store';
import { requireSandboxBinaries, testBackends } from '@strata/testing';
import { pino } from 'pino';
import { parseAllDocuments } from 'yaml';
import { createUserWithRole, expectOk, startTestServer, type TestServer } from '../test/harness.js';
import { SANDBOX_INFRA_LAYERS } from '../test/cluster-world.js';

const P = '/v1/projects/default';
const SERVER_URL = 'https://strata.example.org';
const LINK = /^https:\/\/strata\.example\.org\/v1\/import\/(sil_[A-Za-z0-9_-]{43})\.yaml$/;

const manifestCluster = (name: string, mode: 'read-only' | 'full' = 'read-only') => ({
  metadata: { name },
  spec: { provider: 'imported', nodePools: [], import: { mode, connect: 'manifest' } },
});

const infra = {
  metadata: { name: 'base' },
  spec: {
    type: 'full',
    version: '1.0.0',
    layers: SANDBOX_INFRA_LAYERS,
  },
};

await requireSandboxBinaries();

for (const backend of await testBackends()) {
  describe(`one-time import links on ${backend.name}`, () => {
    let s: TestServer;
    let database: TestDatabase;
    let clock = Date.parse('2026-03-01T10:00:00.000Z');
    const logLines: string[] = [];
    const tokens: string[] = [];

    before(async () => {
      database = await backend.create();
      const links = new ImportLinkRepository({ db: database.handle.db, now: () => new Date(clock) });
      s = await startTestServer(
        { name: backend.name, create: () => Promise.resolve(database) },
        {
          importLinks: links,
          agentServerUrl: () => SERVER_URL,
          logger: pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) }),
        },
      );
      await expectOk(s.call({ method: 'POST', url: `${P}/clusters`, body: manifestCluster('edge') }));
      await expectOk(s.call({ method: 'POST', url: `${P}/clusterprofiles`, body: infra }));
      await expectOk(s.call({ method: 'POST', url: `${P}/clusterprofiles/base/versions/1.0.0/publish` }));
    });
    after(async () => s?.close());

    const createLink = async (name: string, body?: unknown) => {
      const res = await s.call({
        method: 'POST',
        url: `${P}/clusters/${name}/import-link`,
        ...(body === undefined ? {} : { body }),
      });
      if (res.status === 201) tokens.push(LINK.exec(String(res.body.url))?.[1] ?? '');
      return res;
    };
    const fetchLink = (url: string, method: 'GET' | 'HEAD' | 'POST' = 'GET') =>
      s.app.inject({ method, url: new URL(url).pathname });
    const agentToken = (manifest: string): string => {
      const secret = parseAllDocuments(manifest)
        .map((d) => d.toJS() as { kind: string; stringData?: { token: string } })
        .find((d) => d.kind === 'Secret');
      return secret?.stringData?.token ?? '';
    };
    const desiredState = (token: string) =>
      s.call({ method: 'GET', url: '/v1/agent/desired-state?after=0&waitSeconds=0', key: token });
    const linkRows = async () =>
      Number(
        (
          await database.handle.db
            .withTables<{ import_links: { token_hash: string } }>()
            .selectFrom('import_links')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    it('makes a link (201 url, command, expiresAt); making it leaves the current agent token working', async () => {
      const before = String(
        (await expectOk(s.call({ method: 'POST', url: `${P}/clusters/edge/rotate-agent-token` }))).body.token,
      );
      const res = await createLink('edge', {});
      assert.equal(res.status, 201, res.text);
      assert.equal(res.headers['cache-control'], 'no-store');
      assert.deepEqual(Object.keys(res.body).sort(), ['command', 'expiresAt', 'url']);
      assert.match(String(res.body.url), LINK);
      assert.equal(res.body.command, `kubectl apply -f ${String(res.body.url)}`);
      assert.equal(res.body.expiresAt, '2026-03-01T11:00:00.000Z', 'one hour by default');
      assert.equal((await desiredState(before)).status, 204, 'the agent token still works');

      const audit = await expectOk(s.call({ method: 'GET', url: `${P}/auditentries` }));
      const entry = audit.body.items!.find((e) =>
        String((e.spec as { detail?: string }).detail).startsWith('one-time import link created'),
      );
      assert.equal((entry?.spec as { actor?: string } | undefined)?.actor, 'admin');
      assert.equal((entry?.spec as { verb?: string } | undefined)?.verb, 'access');

      // Using the link: the manifest, without an API key, with a new agent token; the previous token stops working.
      const got = await fetchLink(String(res.body.url));
      assert.equal(got.statusCode, 200, got.body);
      assert.match(String(got.headers['content-type']), /^application\/yaml/);
      assert.equal(got.headers['cache-control'], 'no-store');
      const token = agentToken(got.body);
      assert.match(token, /^sat\./);
      assert.notEqual(token, before);
      assert.match(got.body, /name: strata-agent-read-only/, 'the cluster’s import mode (read-only)');
      assert.match(got.body, new RegExp(`- ${SERVER_URL.replace(/\./g, '\\.')}\\n`));
      assert.equal((await desiredState(token)).status, 204, 'the manifest’s token authenticates');
      assert.equal((await desiredState(before)).status, 401, 'the previous token stopped working');
      const after = await expectOk(s.call({ method: 'GET', url: `${P}/auditentries` }));
      assert.ok(
        after.body.items!.some(
          (e) =>
            (e.spec as { actor?: string }).actor === 'system:import-link' &&
            /a new agent token was issued/.test(String((e.spec as { detail?: string }).detail)),
        ),
        'using the link is audited',
      );

      // A second fetch: 410, saying when it was used and how to get a new one; the token is not echoed.
      const again = await fetchLink(String(res.body.url));
      assert.equal(again.statusCode, 410);
      const problem = JSON.parse(again.body) as { detail: string; code: string; instance: string };
      assert.equal(problem.code, 'STRATA_GONE');
      assert.match(problem.detail, /this import link was used at 2026-03-01T10:00:00\.000Z/);
      assert.match(problem.detail, /strata import edge --manifest -p default/);
      assert.match(problem.detail, /POST \/v1\/projects\/default\/clusters\/edge\/import-link/);
      assert.ok(!again.body.includes(tokens.at(-1)!), 'the link’s token is not echoed');
      assert.equal((await desiredState(token)).status, 204, 'a refused fetch issues no token');
    });

    it('an expired link answers 410 and issues no token', async () => {
      const res = await createLink('edge', { expiresInSeconds: 60 });
      assert.equal(res.status, 201, res.text);
      assert.equal(res.body.expiresAt, new Date(clock + 60_000).toISOString());
      clock += 61_000;
      const got = await fetchLink(String(res.body.url));
      assert.equal(got.statusCode, 410);
      assert.match(got.body, /this import link expired at /);
    });

    it('unknown, malformed and orphaned links all answer the same 404; HEAD and POST do not use a link up', async () => {
      const answers = await Promise.all(
        [
          `/v1/import/sil_${'A'.repeat(43)}.yaml`,
          '/v1/import/hello.yaml',
          `/v1/import/sil_${'A'.repeat(43)}`,
          '/v1/import/sil_short.yaml',
          `/v1/import/sil_${'A'.repeat(43)}.yaml/more`,
        ].map((url) => s.app.inject({ method: 'GET', url })),
      );
      const details = answers.map((a) => (JSON.parse(a.body) as { detail: string }).detail);
      assert.deepEqual(
        answers.map((a) => a.statusCode),
        [404, 404, 404, 404, 404],
      );
      assert.equal(new Set(details).size, 1, `one message: ${details.join(' | ')}`);

      const link = await createLink('edge');
      assert.equal(link.status, 201, 'no body at all means the defaults');
      const head = await fetchLink(String(link.body.url), 'HEAD');
      assert.equal(head.statusCode, 405);
      assert.equal(head.headers.allow, 'GET');
      assert.equal((await fetchLink(String(link.body.url), 'POST')).statusCode, 405);
      assert.equal((await fetchLink(String(link.body.url))).statusCode, 200, 'HEAD and POST did not use it');

      await expectOk(s.call({ method: 'POST', url: `${P}/clusters`, body: manifestCluster('doomed') }));
      const orphan = await createLink('doomed');
      await expectOk(s.call({ method: 'DELETE', url: `${P}/clusters/doomed` }));
      const gone = await fetchLink(String(orphan.body.url));
      assert.equal(gone.statusCode, 404, 'the cluster is being deleted');
      assert.equal((JSON.parse(gone.body) as { detail: string }).detail, details[0]);
    });

    it('two fetches at the same moment: one manifest, one 410', async () => {
      const link = await createLink('edge');
      const both = await Promise.all([fetchLink(String(link.body.url)), fetchLink(String(link.body.url))]);
      assert.deepEqual(both.map((r) => r.statusCode).sort(), [200, 410]);
    });

    it('is authorized like agent-manifest, refused for provider-run agents, and checks its body', async () => {
      const viewer = await createUserWithRole(s, { user: 'vic', role: 'project-viewer', project: 'default' });
      const rows = await linkRows();
      const denied = await s.call({
        method: 'POST',
        url: `${P}/clusters/edge/import-link`,
        key: viewer,
        body: {},
      });
      assert.equal(denied.status, 403);
      assert.match(String(denied.body.detail), /cluster\.agent-manifest/);

      await expectOk(
        s.call({
          method: 'POST',
          url: `${P}/clusters`,
          body: {
            metadata: { name: 'built' },
            spec: {
              provider: 'sandbox',
              nodePools: [{ name: 'cp', controlPlane: true, count: 1 }],
              profiles: [{ name: 'base', version: '1.0.0' }],
            },
          },
        }),
      );
      const builtHere = await createLink('built', {});
      assert.equal(builtHere.status, 409);
      assert.match(String(builtHere.body.detail), /sandbox provider runs the agent of "built" itself/);
      assert.equal((await createLink('nope', {})).status, 404);

      for (const [body, path] of [
        [{ expiresInSeconds: 59 }, '/body/expiresInSeconds'],
        [{ expiresInSeconds: 86401 }, '/body/expiresInSeconds'],
        [{ expiresInSeconds: 1.5 }, '/body/expiresInSeconds'],
        [{ expiresInSeconds: '1h' }, '/body/expiresInSeconds'],
        [{ ttl: 60 }, '/body/ttl'],
      ] as const) {
        const res = await createLink('edge', body);
        assert.equal(res.status, 422, JSON.stringify(body));
        const issues = res.body.issues as { path: string }[];
        assert.ok(
          issues.some((i) => i.path === path),
          `${JSON.stringify(body)}: ${res.text}`,
        );
      }
      const malformed = await s.call({
        method: 'POST',
        url: `${P}/clusters/edge/import-link`,
        payload: '{"expiresInSeconds": ',
      });
      assert.equal(malformed.status, 400);
      assert.equal(await linkRows(), rows, 'no refused request stored a link');
    });

    it('is described in the OpenAPI document, the fetch without a security requirement', async () => {
      const doc = await expectOk(s.call({ method: 'GET', url: '/v1/openapi.json' }));
      const paths = doc.body.paths as Record<string, Record<string, { security?: unknown[] }>>;
      assert.ok(paths['/v1/projects/{project}/clusters/{name}/import-link']?.post);
      assert.deepEqual(paths['/v1/import/{file}']?.get?.security, []);
    });

    it('never logs a link token; the import URL is logged redacted', () => {
      const log = logLines.join('');
      assert.ok(tokens.length >= 5);
      for (const token of tokens)
        assert.ok(
          !log.includes(token),
          `a link token was logged: ${logLines.filter((l) => l.includes(token)).join('')}`,
        );
      assert.match(log, /\/v1\/import\/\(redacted\)\.yaml/);
      assert.doesNotMatch(log, /\/v1\/import\/sil_/);
    });
  });
}
