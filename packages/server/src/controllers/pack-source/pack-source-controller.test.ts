import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { sqliteTestDatabase } from '@strata/testing';
import { realClock, startController, type RunningController } from '../../controller-runtime/index.js';
import { expectOk, startTestServer, TEST_EGRESS_POLICY, type TestServer } from '../../test/harness.js';
import { PackSourceController } from './pack-source-controller.js';

/** A Helm repository served from 127.0.0.1 by the test: an index with two versions of one chart. */
function helmRepo(): Promise<{ server: Server; url: string; setIndex: (text: string) => void }> {
  let index = `apiVersion: v1
entries:
  greeter:
    - name: greeter
      version: 0.2.0
      appVersion: "1.1"
      description: Says hello
      urls: [charts/greeter-0.2.0.tgz]
      digest: bbbb
    - name: greeter
      version: 0.1.0
      appVersion: "1.0"
      description: Says hello
      urls: [charts/greeter-0.1.0.tgz]
      digest: aaaa
generated: "2026-11-25T00:00:00Z"
`;
  const server = createServer((req, res) => {
    if (req.url === '/index.yaml') {
      res.writeHead(200, { 'content-type': 'application/x-yaml' });
      res.end(index);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({ server, url: `http://127.0.0.1:${port}`, setIndex: (t) => (index = t) });
    }),
  );
}

async function until<T>(what: string, read: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('PackSource controller', () => {
  let s: TestServer;
  let repo: Awaited<ReturnType<typeof helmRepo>>;
  let controller: RunningController;
  before(async () => {
    s = await startTestServer({ name: 'sqlite', create: sqliteTestDatabase });
    repo = await helmRepo();
    controller = await startController({
      controller: new PackSourceController({
        store: s.store,
        cipher: s.cipher,
        onChartsChanged: (t) => s.catalogs.invalidate(t),
        timeoutMs: 2000,
        egress: TEST_EGRESS_POLICY,
      }),
      reader: s.store,
      kinds: ['PackSource'],
      clock: realClock,
      feed: { pollIntervalMs: 100 },
    });
  });
  after(async () => {
    await controller?.stop();
    repo?.server.close();
    await s?.close();
  });

  const ready = (name: string, status: 'True' | 'False') =>
    until(`${name} Ready=${status}`, async () => {
      const res = await s.call({ method: 'GET', url: `/v1/packsources/${name}` });
      const c = (
        (res.body.status as { conditions?: { type: string; status: string; reason: string }[] })
          ?.conditions ?? []
      ).find((x) => x.type === 'Ready');
      return c?.status === status ? res : undefined;
    });

  it('reads the index; both chart versions become usable layers in profiles', async () => {
    await expectOk(
      s.call({
        method: 'POST',
        url: '/v1/packsources',
        body: { metadata: { name: 'local' }, spec: { type: 'helm', url: repo.url, interval: '10m' } },
      }),
    );
    const res = await ready('local', 'True');
    const charts = (res.body.status as { charts: { name: string; versions: { version: string }[] }[] })
      .charts;
    assert.deepEqual(
      charts.map((c) => [c.name, c.versions.map((v) => v.version).sort()]),
      [['greeter', ['0.1.0', '0.2.0']]],
    );
    for (const version of ['0.1.0', '0.2.0']) {
      const profile = {
        metadata: { name: `uses-greeter-${version.replace(/\./g, '-')}` },
        spec: {
          type: 'addon',
          version: '1.0.0',
          layers: [{ pack: 'greeter', version, values: 'replicaCount: 1\n' }],
        },
      };
      const created = await s.call({
        method: 'POST',
        url: '/v1/projects/default/clusterprofiles',
        body: profile,
      });
      assert.equal(created.status, 201, created.text);
      const stack = await s.call({
        method: 'POST',
        url: `/v1/projects/default/clusterprofiles/${profile.metadata.name}/versions/1.0.0/resolve`,
        body: {},
      });
      assert.equal(stack.status, 200, stack.text);
      assert.match(JSON.stringify(stack.body), new RegExp(`"version":"${version}"`));
      assert.match(JSON.stringify(stack.body), new RegExp(repo.url.replace(/[.:/]/g, '.')));
    }
    const missing = await s.call({
      method: 'POST',
      url: '/v1/projects/default/clusterprofiles',
      body: {
        metadata: { name: 'nope' },
        spec: { type: 'addon', version: '1.0.0', layers: [{ pack: 'greeter', version: '9.9.9' }] },
      },
    });
    assert.equal(missing.status, 422);
  });

  it('an unreachable or malformed index is a Ready=False condition with a reason and an event, not a crash', async () => {
    await expectOk(
      s.call({
        method: 'POST',
        url: '/v1/packsources',
        body: { metadata: { name: 'gone' }, spec: { type: 'helm', url: 'http://127.0.0.1:9/charts' } },
      }),
    );
    const gone = await ready('gone', 'False');
    const c = (gone.body.status as { conditions: { reason: string; message: string }[] }).conditions[0]!;
    assert.equal(c.reason, 'Unreachable');
    assert.match(c.message, /127\.0\.0\.1:9/);

    repo.setIndex('entries: [this is: not: an index');
    await expectOk(
      s.call({
        method: 'POST',
        url: '/v1/packsources',
        body: { metadata: { name: 'broken' }, spec: { type: 'helm', url: repo.url } },
      }),
    );
    const broken = await ready('broken', 'False');
    assert.equal(
      (broken.body.status as { conditions: { reason: string }[] }).conditions[0]!.reason,
      'Malformed',
    );

    const events = await s.call({ method: 'GET', url: '/v1/events' });
    const reasons = events.body.items!.map(
      (e) =>
        `${(e.spec as { involvedObject: { name: string } }).involvedObject.name}:${(e.spec as { reason: string }).reason}`,
    );
    assert.ok(reasons.includes('gone:Unreachable'), JSON.stringify(reasons));
    assert.ok(reasons.includes('local:IndexRead'));
  });
});
