import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { KINDS } from '@strata/api';
import { testBackends, type TestDatabase } from '@strata/testing';
import { sql } from 'kysely';
import { pino } from 'pino';
import {
  expectOk,
  startTestServer,
  type CallOptions,
  type CallResult,
  type TestServer,
} from '../test/harness.js';

/**
 * Secret-leak greps (security regression suite): objects carry known canary values in every declared secret field
 * and in the places secrets hide outside them (a PackSource URL's password, a sensitive variable's default and
 * value, an imported kubeconfig's token, API keys and session tokens); then everything is read back — get, list,
 * watch, events, audit, resolve — and the responses, the server's log and the database must hold no canary.
 */
const canary = (what: string) => `canary-${what}-${randomBytes(6).toString('hex')}`;

for (const backend of await testBackends()) {
  describe(`secret leaks on ${backend.name}`, () => {
    let s: TestServer;
    const log: string[] = [];
    const secrets = new Map<string, string>();
    const responses: { what: string; text: string }[] = [];
    const call = async (o: CallOptions) => {
      const res = await s.call(o);
      responses.push({ what: `${o.method} ${o.url} → ${res.status}`, text: res.text });
      return res;
    };
    before(async () => {
      const sink = new Writable({
        write(chunk: Buffer, _enc, done) {
          log.push(chunk.toString('utf8'));
          done();
        },
      });
      s = await startTestServer(backend, { logger: pino({ level: 'trace' }, sink) });
      for (const what of [
        'password',
        'cloud-key',
        'project-cloud-key',
        'packsource-password',
        'packsource-token',
        'url-password',
        'sensitive-default',
        'secret-default',
        'resolve-value',
        'kubeconfig-token',
        'idp-client-secret',
      ]) {
        secrets.set(what, canary(what));
      }
      await seed(call, secrets);
    });
    after(async () => s?.close());

    it('every kind with secret fields is covered by a canary', () => {
      const withSecrets = KINDS.filter((k) => (k.secretFields ?? []).length > 0).map((k) => k.kind);
      assert.deepEqual(withSecrets.sort(), [
        'CloudAccount',
        'Cluster',
        'IdentityProvider',
        'PackSource',
        'User',
      ]);
    });

    it('no canary in any response, in the log, or in the database', async () => {
      await readEverything(s, call);
      await watchEverything(s, responses);
      // API keys and session tokens are shown once, in the answer that issues them; their secret part is a canary
      // everywhere else (that answer included, once the key itself is cut out of it).
      const places: { where: string; text: string }[] = [];
      for (const r of responses) {
        let text = r.text;
        if (/POST \/v1\/(apikeys|login) → 20/.test(r.what)) {
          const key = /"(?:key|token)":"(stk\.[^"]+)"/.exec(text)?.[1];
          assert.ok(key, `${r.what} issues a key`);
          secrets.set(`issued key (${r.what})`, key.split('.').pop()!);
          text = text.replace(key, '(issued key)');
        }
        places.push({ where: `response ${r.what}`, text });
      }
      places.push({ where: 'server log', text: log.join('') }, ...(await databaseText(s.database)));
      const hits: string[] = [];
      for (const [what, value] of secrets) {
        for (const variant of [value, Buffer.from(value).toString('base64')]) {
          for (const p of places) if (p.text.includes(variant)) hits.push(`${what} in ${p.where}`);
        }
      }
      assert.ok(log.length > 20, 'the log was captured');
      assert.deepEqual([...new Set(hits)], [], 'secrets leaked');
    });
  });
}

type Call = (o: CallOptions) => Promise<CallResult>;

async function seed(call: Call, c: Map<string, string>) {
  const v = (k: string) => c.get(k)!;
  const ok = async (o: CallOptions) => {
    const res = await call(o);
    if (res.status >= 300) throw new Error(`${o.method} ${o.url}: ${res.status} ${res.text}`);
    return res;
  };
  await ok({
    method: 'POST',
    url: '/v1/users',
    body: { metadata: { name: 'sam' }, spec: { password: v('password') } },
  });
  await call({
    method: 'POST',
    url: '/v1/login',
    key: null,
    body: { username: 'sam', password: v('password') },
  });
  await call({
    method: 'POST',
    url: '/v1/login',
    key: null,
    body: { username: 'sam', password: `${v('password')}x` },
  });
  await ok({
    method: 'POST',
    url: '/v1/apikeys',
    body: { metadata: { name: 'sam-key' }, spec: { user: 'sam' } },
  });
  // Disabled, so writing it asks no issuer; the secret is sealed all the same.
  await ok({
    method: 'POST',
    url: '/v1/identityproviders',
    body: {
      metadata: { name: 'corp' },
      spec: {
        issuer: 'https://idp.example.com',
        clientId: 'strata',
        clientSecret: v('idp-client-secret'),
        disabled: true,
      },
    },
  });
  await ok({
    method: 'POST',
    url: '/v1/cloudaccounts',
    body: {
      metadata: { name: 'aws' },
      spec: { provider: 'aws', credentials: { secretAccessKey: v('cloud-key') } },
    },
  });
  await ok({
    method: 'POST',
    url: '/v1/projects/default/cloudaccounts',
    body: {
      metadata: { name: 'aws' },
      spec: { provider: 'aws', credentials: { key: v('project-cloud-key') } },
    },
  });
  await ok({
    method: 'POST',
    url: '/v1/packsources',
    body: {
      metadata: { name: 'charts' },
      spec: {
        type: 'helm',
        url: 'http://127.0.0.1:9/charts',
        credentials: { username: 'u', password: v('packsource-password'), token: v('packsource-token') },
      },
    },
  });
  // Finding 15: a password embedded in the URL is a secret too.
  await call({
    method: 'POST',
    url: '/v1/packsources',
    body: {
      metadata: { name: 'url-auth' },
      spec: { type: 'helm', url: `http://u:${v('url-password')}@127.0.0.1:9/charts` },
    },
  });
  const profile = (name: string, variables: Record<string, unknown>[]) => ({
    metadata: { name },
    spec: {
      type: 'full',
      version: '1.0.0',
      variables,
      layers: [
        { pack: 'ubuntu', version: '24.04.1' },
        { pack: 'kubernetes', version: '1.36.3' },
        { pack: 'sandbox-cni', version: '0.1.0' },
        { pack: 'sandbox-csi', version: '0.1.0' },
        {
          name: 'creds',
          manifest:
            'apiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData: {password: "{{ .var.dbPassword }}"}\n',
        },
      ],
    },
  });
  await ok({
    method: 'POST',
    url: '/v1/projects/default/clusterprofiles',
    body: profile('leaky', [{ name: 'dbPassword', type: 'string', sensitive: true }]),
  });
  // Finding 15: a sensitive variable's default is a secret too (refusing it or sealing it both pass).
  await call({
    method: 'POST',
    url: '/v1/projects/default/clusterprofiles',
    body: profile('with-default', [
      { name: 'dbPassword', type: 'string', sensitive: true, default: v('sensitive-default') },
    ]),
  });
  await call({
    method: 'POST',
    url: '/v1/projects/default/clusterprofiles',
    body: profile('secret-default', [{ name: 'dbPassword', type: 'secret', default: v('secret-default') }]),
  });
  await call({
    method: 'POST',
    url: '/v1/projects/default/clusterprofiles/leaky/versions/1.0.0/resolve',
    body: { variables: { dbPassword: v('resolve-value') } },
  });
  // An imported cluster's kubeconfig: the server is a loopback port nothing listens on, so the import is refused —
  // and the refusal (answer, log) must not quote the token either.
  const kubeconfig = [
    'apiVersion: v1',
    'kind: Config',
    'clusters: [{name: c, cluster: {server: "https://127.0.0.1:9"}}]',
    `users: [{name: u, user: {token: "${v('kubeconfig-token')}"}}]`,
    'contexts: [{name: x, context: {cluster: c, user: u}}]',
    'current-context: x',
  ].join('\n');
  await call({
    method: 'POST',
    url: '/v1/projects/default/clusters',
    body: {
      metadata: { name: 'imported' },
      spec: { provider: 'imported', kubeconfig, nodePools: [], profiles: [] },
    },
  });
}

/** GET of every collection and every object in it, as the admin (who sees the most). */
async function readEverything(s: TestServer, call: Call) {
  const collections = s.routes.filter(
    (r) =>
      r.method === 'GET' && /^\/v1\/(projects\/:project\/)?[a-z]+$/.test(r.url) && !r.url.endsWith('/whoami'),
  );
  for (const r of collections) {
    const url = r.url.replace(':project', 'default');
    const list = await expectOk(call({ method: 'GET', url: `${url}?limit=1000` }));
    for (const item of list.body.items ?? []) {
      const name = (item.metadata as { name: string }).name;
      await call({ method: 'GET', url: `${url}/${name}` });
    }
  }
  for (const url of ['/v1/whoami', '/metrics', '/v1/projects/default/clusterprofiles/leaky/versions']) {
    await call({ method: 'GET', url });
  }
}

/** Opens a watch on every collection for a moment: the initial ADDED events carry every object. */
async function watchEverything(s: TestServer, responses: { what: string; text: string }[]) {
  const base = await s.app.listen({ host: '127.0.0.1', port: 0 });
  const collections = s.routes
    .filter((r) => r.method === 'GET' && /^\/v1\/(projects\/:project\/)?[a-z]+$/.test(r.url))
    .filter((r) => !['/v1/whoami', '/v1/openapi.json'].includes(r.url));
  await Promise.all(
    collections.map(async (r) => {
      const url = `${base}${r.url.replace(':project', 'default')}?watch=true`;
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), 1500);
      let text = '';
      try {
        const res = await fetch(url, {
          headers: { authorization: `Bearer ${s.adminKey}` },
          signal: abort.signal,
        });
        const decoder = new TextDecoder();
        for await (const chunk of res.body as AsyncIterable<Uint8Array>) text += decoder.decode(chunk);
      } catch (err) {
        if ((err as Error).name !== 'AbortError') throw err;
      } finally {
        clearTimeout(timer);
      }
      responses.push({ what: `watch ${r.url}`, text });
    }),
  );
}

/** Every table as text: the SQLite file (and its write-ahead log) byte for byte, PostgreSQL row by row. */
async function databaseText(database: TestDatabase): Promise<{ where: string; text: string }[]> {
  if (database.file) {
    const files = [database.file, `${database.file}-wal`];
    const texts = await Promise.all(
      files.map((f) =>
        readFile(f).then(
          (b) => b.toString('latin1'),
          () => '',
        ),
      ),
    );
    return files.map((f, i) => ({ where: `database file ${f}`, text: texts[i]! }));
  }
  const db = database.handle.db;
  const tables = await sql<{ table_name: string }>`
    SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`.execute(db);
  const out: { where: string; text: string }[] = [];
  for (const { table_name } of tables.rows) {
    const rows = await sql`SELECT * FROM ${sql.table(table_name)}`.execute(db);
    out.push({ where: `table ${table_name}`, text: JSON.stringify(rows.rows) });
  }
  return out;
}
