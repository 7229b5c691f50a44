import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { testBackends } from '@strata/testing';
import { expectOk, startTestServer, type CallOptions, type TestServer } from './test/harness.js';

interface Row {
  name: string;
  given: CallOptions;
  status: number;
  code: string;
  /** Issue paths the problem must list (all of them). */
  paths?: string[];
}

function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: true };
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}
const deepText = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

const rows: Row[] = [
  {
    name: 'malformed JSON',
    given: { method: 'POST', url: '/v1/macros', payload: '{"metadata": {', contentType: 'application/json' },
    status: 400,
    code: 'STRATA_MALFORMED_BODY',
  },
  {
    name: 'malformed YAML',
    given: {
      method: 'POST',
      url: '/v1/macros',
      payload: 'metadata: [unclosed\n  name: x',
      contentType: 'application/yaml',
    },
    status: 400,
    code: 'STRATA_MALFORMED_BODY',
  },
  {
    name: 'unknown kind',
    given: { method: 'POST', url: '/v1/widgets', body: { metadata: { name: 'x' }, spec: {} } },
    status: 404,
    code: 'STRATA_NOT_FOUND',
  },
  {
    name: 'unknown fields, named',
    given: {
      method: 'POST',
      url: '/v1/macros',
      body: { metadata: { name: 'x', colour: 'red' }, spec: { value: 'v', extra: true } },
    },
    status: 422,
    code: 'STRATA_VALIDATION_FAILED',
    paths: ['/metadata/colour', '/spec/extra'],
  },
  {
    name: 'wrong types',
    given: {
      method: 'POST',
      url: '/v1/users',
      body: { metadata: { name: 'u' }, spec: { disabled: 'no', email: 42 } },
    },
    status: 422,
    code: 'STRATA_VALIDATION_FAILED',
    paths: ['/spec/disabled', '/spec/email'],
  },
  {
    name: 'invalid DNS-1123 name',
    given: {
      method: 'POST',
      url: '/v1/macros',
      body: { metadata: { name: 'Not_Valid' }, spec: { value: 'v' } },
    },
    status: 422,
    code: 'STRATA_VALIDATION_FAILED',
    paths: ['/metadata/name'],
  },
  {
    name: 'kind in the body disagrees with the URL',
    given: {
      method: 'POST',
      url: '/v1/macros',
      body: { kind: 'Role', metadata: { name: 'x' }, spec: { value: 'v' } },
    },
    status: 422,
    code: 'STRATA_VALIDATION_FAILED',
    paths: ['/kind'],
  },
  {
    name: 'missing references',
    given: {
      method: 'POST',
      url: '/v1/rolebindings',
      body: {
        metadata: { name: 'rb' },
        spec: { role: 'no-such-role', subjects: [{ kind: 'User', name: 'ghost' }] },
      },
    },
    status: 422,
    code: 'STRATA_REFERENCE_NOT_FOUND',
    paths: ['/spec/role', '/spec/subjects/0/name'],
  },
  {
    name: 'project that does not exist',
    given: {
      method: 'POST',
      url: '/v1/projects/nowhere/macros',
      body: { metadata: { name: 'x' }, spec: { value: 'v' } },
    },
    status: 404,
    code: 'STRATA_NOT_FOUND',
  },
  {
    name: '5 MB body',
    given: {
      method: 'POST',
      url: '/v1/macros',
      payload: JSON.stringify({ metadata: { name: 'big' }, spec: { value: 'x'.repeat(5 * 1024 * 1024) } }),
    },
    status: 413,
    code: 'STRATA_BODY_TOO_LARGE',
  },
  {
    name: 'unsupported content type',
    given: { method: 'POST', url: '/v1/macros', payload: '<xml/>', contentType: 'application/xml' },
    status: 415,
    code: 'STRATA_UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'bad page size',
    given: { method: 'GET', url: '/v1/macros?limit=5000' },
    status: 400,
    code: 'STRATA_BAD_REQUEST',
  },
  {
    name: 'unknown query parameter',
    given: { method: 'GET', url: '/v1/macros?colour=red' },
    status: 400,
    code: 'STRATA_BAD_REQUEST',
    paths: ['/querystring/colour'],
  },
  {
    name: 'providerConfig nested deeper than 32 levels (finding 9 of issue 14)',
    given: {
      method: 'POST',
      url: '/v1/projects/default/clusters',
      body: {
        metadata: { name: 'c' },
        spec: { provider: 'sandbox', nodePools: [], providerConfig: nested(40) },
      },
    },
    status: 422,
    code: 'STRATA_VALIDATION_FAILED',
    paths: ['/spec/providerConfig'],
  },
  {
    name: 'providerConfig larger than 64 KiB',
    given: {
      method: 'POST',
      url: '/v1/projects/default/clusters',
      body: {
        metadata: { name: 'c' },
        spec: { provider: 'sandbox', nodePools: [], providerConfig: { blob: 'x'.repeat(70_000) } },
      },
    },
    status: 422,
    code: 'STRATA_VALIDATION_FAILED',
    paths: ['/spec/providerConfig'],
  },
  ...[3000, 6000].flatMap((depth): Row[] => [
    {
      name: `a JSON body nested ${depth} deep`,
      given: {
        method: 'POST',
        url: '/v1/projects/default/clusters',
        // Built as text: JSON.stringify itself cannot write such a value.
        payload: `{"metadata":{"name":"c"},"spec":{"provider":"sandbox","nodePools":[],"providerConfig":${deepText(depth)}}}`,
      },
      status: 400,
      code: 'STRATA_MALFORMED_BODY',
    },
    {
      name: `a merge patch nested ${depth} deep`,
      given: {
        method: 'PATCH',
        url: '/v1/macros/m',
        payload: `{"spec":{"value":${deepText(depth)}}}`,
        contentType: 'application/merge-patch+json',
      },
      status: 400,
      code: 'STRATA_MALFORMED_BODY',
    },
  ]),
  {
    name: 'malformed percent-encoding in the path',
    given: { method: 'GET', url: '/v1/macros/%ff' },
    status: 400,
    code: 'STRATA_BAD_REQUEST',
  },
  {
    name: 'over-long path segment',
    given: {
      method: 'PUT',
      url: `/v1/macros/${'a'.repeat(4096)}`,
      body: { metadata: { name: 'a' }, spec: {} },
    },
    status: 400,
    code: 'STRATA_BAD_REQUEST',
  },
  {
    name: 'API key expiring in the past',
    given: {
      method: 'POST',
      url: '/v1/apikeys',
      body: { metadata: { name: 'old' }, spec: { expiresAt: '2001-01-01T00:00:00Z' } },
    },
    status: 422,
    code: 'STRATA_VALIDATION_FAILED',
    paths: ['/spec/expiresAt'],
  },
];

for (const backend of await testBackends()) {
  describe(`bad input on ${backend.name}`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(backend);
      await expectOk(
        s.call({
          method: 'POST',
          url: '/v1/macros',
          body: { metadata: { name: 'm' }, spec: { value: 'v' } },
        }),
      );
    });
    after(async () => s?.close());

    for (const row of rows) {
      it(`${row.name} → ${row.status} ${row.code}, store unchanged`, async () => {
        const before = await s.store.currentResourceVersion();
        const res = await s.call(row.given);
        assert.equal(res.status, row.status, res.text.slice(0, 500));
        assert.equal(res.body.code, row.code);
        assert.match(String(res.headers['content-type']), /application\/problem\+json/);
        assert.equal(typeof res.body.detail, 'string');
        if (row.paths) {
          const paths = ((res.body.issues as { path: string }[] | undefined) ?? []).map((i) => i.path);
          for (const p of row.paths)
            assert.ok(paths.includes(p), `issues ${JSON.stringify(paths)} should include ${p}`);
        }
        assert.equal(await s.store.currentResourceVersion(), before, 'nothing was stored');
      });
    }
  });

  describe(`secrets on ${backend.name}`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(backend);
    });
    after(async () => s?.close());

    it('a secret field is write-only in the API and ciphertext in the database', async () => {
      const secret = 'AKIA-very-secret-value-123';
      const created = await s.call({
        method: 'POST',
        url: '/v1/projects/default/cloudaccounts',
        body: {
          metadata: { name: 'aws' },
          spec: { provider: 'aws', credentials: { secretAccessKey: secret } },
        },
      });
      assert.equal(created.status, 201, created.text);
      for (const res of [
        created,
        await s.call({ method: 'GET', url: '/v1/projects/default/cloudaccounts/aws' }),
        await s.call({ method: 'GET', url: '/v1/projects/default/cloudaccounts' }),
      ]) {
        assert.ok(!res.text.includes(secret), 'the secret is never returned');
      }
      const got = await s.call({ method: 'GET', url: '/v1/projects/default/cloudaccounts/aws' });
      assert.deepEqual((got.body.status as { secretFieldsSet: string[] }).secretFieldsSet, [
        '/spec/credentials',
      ]);
      const stored = await s.store.get(
        { tenant: 'default', projects: '*' },
        { kind: 'CloudAccount', tenant: 'default', project: 'default', name: 'aws' },
      );
      assert.match(String(stored!.spec.credentials), /^enc:/);
      assert.ok(!JSON.stringify(stored).includes(secret));
      if (s.database.file) {
        const raw = await readFile(s.database.file);
        const wal = await readFile(`${s.database.file}-wal`).catch(() => Buffer.alloc(0));
        assert.ok(!raw.includes(secret) && !wal.includes(secret), 'the database file holds only ciphertext');
      }
    });

    it('updating without the secret keeps it; passwords are stored as argon2 hashes', async () => {
      const res = await s.call({
        method: 'POST',
        url: '/v1/users',
        body: { metadata: { name: 'pw' }, spec: { password: 'a long password' } },
      });
      assert.equal(res.status, 201, res.text);
      assert.equal((res.body.spec as Record<string, unknown>).password, undefined);
      const upd = await s.call({
        method: 'PUT',
        url: '/v1/users/pw',
        body: { metadata: { name: 'pw' }, spec: { displayName: 'Pat' } },
      });
      assert.equal(upd.status, 200, upd.text);
      const login = await s.call({
        method: 'POST',
        url: '/v1/login',
        key: null,
        body: { username: 'pw', password: 'a long password' },
      });
      assert.equal(login.status, 200, 'the password survived an update that did not mention it');
      const same = await s.call({
        method: 'PUT',
        url: '/v1/users/pw',
        body: { metadata: { name: 'pw' }, spec: { displayName: 'Pat', password: 'a long password' } },
      });
      assert.equal(
        (same.body.metadata as { generation: number }).generation,
        (upd.body.metadata as { generation: number }).generation,
        'the same password again is no change',
      );
    });

    it('sending the same credentials again changes nothing; new ones replace them', async () => {
      const body = (secret: string) => ({
        metadata: { name: 'gcp' },
        spec: { provider: 'gcp', credentials: { json: secret } },
      });
      const a = await s.call({
        method: 'POST',
        url: '/v1/projects/default/cloudaccounts',
        body: body('one'),
      });
      const b = await s.call({
        method: 'PUT',
        url: '/v1/projects/default/cloudaccounts/gcp',
        body: body('one'),
      });
      assert.equal(
        (b.body.metadata as { generation: number }).generation,
        (a.body.metadata as { generation: number }).generation,
      );
      const c = await s.call({
        method: 'PUT',
        url: '/v1/projects/default/cloudaccounts/gcp',
        body: body('two'),
      });
      assert.equal((c.body.metadata as { generation: number }).generation, 2);
      const labelled = await s.call({
        method: 'PATCH',
        url: '/v1/projects/default/cloudaccounts/gcp',
        contentType: 'application/merge-patch+json',
        body: { metadata: { labels: { env: 'prod' } } },
      });
      assert.equal(labelled.status, 200, labelled.text);
      const noSecret = await s.call({
        method: 'PUT',
        url: '/v1/projects/default/cloudaccounts/gcp',
        body: { metadata: { name: 'gcp' }, spec: { provider: 'gcp' } },
      });
      assert.equal(noSecret.status, 200, 'a PUT without the secret keeps it');
      const stored = await s.store.get(
        { tenant: 'default', projects: '*' },
        { kind: 'CloudAccount', tenant: 'default', project: 'default', name: 'gcp' },
      );
      assert.deepEqual(JSON.parse(s.cipher.decrypt(stored!.spec.credentials as string)), { json: 'two' });
    });
  });
}
