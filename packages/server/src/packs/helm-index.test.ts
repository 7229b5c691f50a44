import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createPackCatalog, parseEgressPolicy, resolveProfiles, validateProfile } from '@strata/core';
import { packsFromHelmIndex, parseHelmIndex, readHelmIndex } from './helm-index.js';

const INDEX = `apiVersion: v1
entries:
  hello:
    - name: hello
      version: 1.1.0
      appVersion: "2.0"
      description: Says hello
      urls: [charts/hello-1.1.0.tgz]
      digest: 0f0e
    - name: hello
      version: 1.0.0
      appVersion: "1.0"
      urls: [charts/hello-1.0.0.tgz]
generated: "2026-11-25T00:00:00Z"
`;

/** The test repository listens on 127.0.0.1, which the default egress policy denies. */
const egress = parseEgressPolicy('127.0.0.0/8').policy;

describe('Helm repository index reader', () => {
  let server: Server;
  let base = '';
  let auth: string | undefined;
  before(async () => {
    server = createServer((req, res) => {
      auth = req.headers.authorization;
      const routes: Record<string, () => void> = {
        '/repo/index.yaml': () => res.writeHead(200, { 'content-type': 'application/yaml' }).end(INDEX),
        '/broken/index.yaml': () => res.writeHead(200).end('apiVersion: v1\nentries: [\n'),
        '/notindex/index.yaml': () => res.writeHead(200).end('<html>hello</html>\n'),
        '/big/index.yaml': () =>
          res.writeHead(200).end(`apiVersion: v1\nentries: {}\n# ${'x'.repeat(200_000)}\n`),
        '/slow/index.yaml': () => setTimeout(() => res.writeHead(200).end(INDEX), 2_000),
      };
      const route = routes[req.url ?? ''];
      if (route) route();
      else res.writeHead(404).end('not found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('reads both chart versions and they become usable layers', async () => {
    const result = await readHelmIndex({
      url: `${base}/repo/`,
      egress,
      credentials: { username: 'u', password: 'p' },
    });
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(auth, `Basic ${Buffer.from('u:p').toString('base64')}`);
    assert.deepEqual(result.condition, {
      type: 'Ready',
      status: 'True',
      reason: 'IndexRead',
      message: '1 chart, 2 versions',
    });
    assert.deepEqual(result.charts, [
      {
        name: 'hello',
        versions: [
          { version: '1.1.0', appVersion: '2.0', description: 'Says hello', digest: '0f0e' },
          { version: '1.0.0', appVersion: '1.0' },
        ],
      },
    ]);

    const catalog = createPackCatalog(packsFromHelmIndex(`${base}/repo`, result.entries));
    assert.deepEqual(catalog.versions('hello'), ['1.0.0', '1.1.0']);
    for (const version of ['1.0.0', '1.1.0']) {
      const profile = {
        metadata: { name: 'apps' },
        spec: {
          type: 'addon' as const,
          version: '1.0.0',
          layers: [{ pack: 'hello', version, values: 'replicas: 2' }],
        },
      };
      assert.deepEqual(validateProfile({ profile, catalog }), []);
      const stack = resolveProfiles({ catalog, profiles: [{ profile }] });
      assert.deepEqual(stack.layers[0]?.helm?.chart, { name: 'hello', version, repository: `${base}/repo` });
    }
  });

  const failures: {
    name: string;
    url: () => string;
    timeoutMs?: number;
    maxBytes?: number;
    reason: string;
    message: RegExp;
  }[] = [
    {
      name: 'unreachable host',
      url: () => 'http://127.0.0.1:9/',
      reason: 'Unreachable',
      message: /^could not connect to http:\/\/127\.0\.0\.1:9$/,
    },
    { name: 'HTTP 404', url: () => `${base}/missing`, reason: 'HttpError', message: /HTTP 404/ },
    {
      name: 'malformed YAML',
      url: () => `${base}/broken`,
      reason: 'Malformed',
      message: /not a valid Helm repository index/,
    },
    {
      name: 'not an index',
      url: () => `${base}/notindex`,
      reason: 'Malformed',
      message: /apiVersion and entries/,
    },
    {
      name: 'too large',
      url: () => `${base}/big`,
      maxBytes: 10_000,
      reason: 'TooLarge',
      message: /limit of 10000/,
    },
    {
      name: 'timeout',
      url: () => `${base}/slow`,
      timeoutMs: 200,
      reason: 'Unreachable',
      message: /within 200 ms/,
    },
    { name: 'not a URL', url: () => 'not a url', reason: 'Malformed', message: /not a valid URL/ },
    {
      name: 'OCI is not read yet',
      url: () => 'oci://registry.example.org/charts',
      reason: 'Unsupported',
      message: /OCI/,
    },
  ];
  for (const f of failures) {
    it(`${f.name} gives a clear condition, not a crash`, async () => {
      const result = await readHelmIndex({
        url: f.url(),
        timeoutMs: f.timeoutMs,
        maxBytes: f.maxBytes,
        egress,
      });
      assert.equal(result.ok, false);
      assert.equal(result.condition.status, 'False');
      assert.equal(result.condition.reason, f.reason);
      assert.match(result.condition.message, f.message);
    });
  }

  it('skips unusable entries with an issue', () => {
    const r = parseHelmIndex(
      'apiVersion: v1\nentries:\n  a: [{version: 1.0.0, urls: [x]}, {name: a}]\n  b: nope\n',
    );
    assert.equal(r.ok, true);
    assert.deepEqual(
      r.entries.map((e) => `${e.name}@${e.version}`),
      ['a@1.0.0'],
    );
    assert.deepEqual(
      r.issues.map((i) => i.path),
      ['/entries/a/1', '/entries/b'],
    );
  });
});
