import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { parseEgressPolicy } from '@strata/core';
import { testBackends } from '@strata/testing';
import { realClock, startController, type RunningController } from '../../controller-runtime/index.js';
import { expectOk, startTestServer, type TestServer } from '../../test/harness.js';
import { PackSourceController } from './pack-source-controller.js';

const INDEX =
  'apiVersion: v1\nentries:\n  hello:\n    - {name: hello, version: 1.0.0, urls: [hello-1.0.0.tgz]}\n';

/** A Helm repository on a loopback address that records every request it gets. */
async function repository(
  host: string,
  redirectTo?: () => string,
): Promise<{ server: Server; url: string; requests: { url: string; headers: IncomingHttpHeaders }[] }> {
  const requests: { url: string; headers: IncomingHttpHeaders }[] = [];
  const server = createServer((req, res) => {
    requests.push({ url: req.url ?? '', headers: req.headers });
    if (req.url === '/moved/index.yaml' && redirectTo) res.writeHead(302, { location: redirectTo() }).end();
    else if (req.url === '/index.yaml') res.writeHead(200).end(INDEX);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return { server, url: `http://${host}:${(server.address() as AddressInfo).port}`, requests };
}

const PASSWORD = 'hunter2-in-the-url';

for (const backend of await testBackends()) {
  describe(`PackSource egress policy on ${backend.name}`, () => {
    let s: TestServer;
    let controller: RunningController;
    // The server may reach 127.0.0.2 only: 127.0.0.1 stands for an internal service it must not reach.
    let internal: Awaited<ReturnType<typeof repository>>;
    let allowed: Awaited<ReturnType<typeof repository>>;
    const logLines: string[] = [];
    before(async () => {
      internal = await repository('127.0.0.1');
      allowed = await repository('127.0.0.2', () => `${internal.url}/index.yaml`);
      s = await startTestServer(backend, {
        logger: pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) }),
      });
      controller = await startController({
        controller: new PackSourceController({
          store: s.store,
          cipher: s.cipher,
          timeoutMs: 2000,
          egress: parseEgressPolicy('127.0.0.2/32').policy,
        }),
        reader: s.store,
        kinds: ['PackSource'],
        clock: realClock,
        feed: { pollIntervalMs: 100 },
      });
    });
    after(async () => {
      await controller?.stop();
      for (const r of [internal, allowed]) {
        r?.server.closeAllConnections();
        r?.server.close();
      }
      await s?.close();
    });

    const readyCondition = async (name: string) => {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const res = await s.call({ method: 'GET', url: `/v1/packsources/${name}` });
        const c = (
          res.body.status as {
            conditions?: { type: string; status: string; reason: string; message: string }[];
          }
        )?.conditions?.find((x) => x.type === 'Ready');
        if (c) return c;
        if (Date.now() > deadline) throw new Error(`no Ready condition on ${name}: ${res.text}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const create = (name: string, url: string) =>
      expectOk(
        s.call({
          method: 'POST',
          url: '/v1/packsources',
          body: { metadata: { name }, spec: { type: 'helm', url } },
        }),
      );

    it('refuses internal, metadata, localhost and redirected-to-internal repositories, fetching nothing', async () => {
      const port = new URL(internal.url).port;
      const cases: [name: string, url: string, message: string][] = [
        ['loopback', internal.url, 'egress to 127.0.0.1 is not allowed'],
        ['metadata', 'http://169.254.169.254/', 'egress to 169.254.169.254 is not allowed'],
        ['private', 'http://10.0.0.1/charts', 'egress to 10.0.0.1 is not allowed'],
        ['by-name', `http://localhost:${port}/`, 'egress to localhost (a loopback address) is not allowed'],
        ['redirected', `${allowed.url}/moved`, 'egress to 127.0.0.1 is not allowed'],
      ];
      for (const [name, url] of cases) await create(name, url);
      for (const [name, , message] of cases) {
        const c = await readyCondition(name);
        assert.equal(c.status, 'False', name);
        assert.equal(c.reason, 'EgressDenied', name);
        assert.equal(
          c.message,
          `${message} by this server's egress policy (an administrator can allow it with --egress-allow)`,
        );
      }
      assert.deepEqual(internal.requests, [], 'the internal service got no request');
      assert.deepEqual(
        allowed.requests.map((r) => r.url),
        ['/moved/index.yaml'],
      );
      // The event follows the status write: wait for all of them.
      let events = await s.call({ method: 'GET', url: '/v1/events' });
      const denied = () =>
        events.body.items!.filter((e) => (e.spec as { reason: string }).reason === 'EgressDenied').length;
      for (let i = 0; i < 50 && denied() < cases.length; i++) {
        await new Promise((r) => setTimeout(r, 100));
        events = await s.call({ method: 'GET', url: '/v1/events' });
      }
      assert.equal(denied(), cases.length);
      assert.doesNotMatch(events.text, /HTTP \d{3}/, 'no status code of an internal target');
    });

    it('reads a repository in an allowed range', async () => {
      await create('allowed', allowed.url);
      const c = await readyCondition('allowed');
      assert.deepEqual([c.status, c.reason, c.message], ['True', 'IndexRead', '1 chart, 1 version']);
    });

    it('refuses a user name or password in the URL and never shows it', async () => {
      const withPassword = `http://robot:${PASSWORD}@127.0.0.2:${new URL(allowed.url).port}/`;
      const before = allowed.requests.length;
      const refused = await s.call({
        method: 'POST',
        url: '/v1/packsources',
        body: { metadata: { name: 'userinfo' }, spec: { type: 'helm', url: withPassword } },
      });
      assert.equal(refused.status, 422, refused.text);
      assert.deepEqual(
        (refused.body.issues as { path: string; message: string }[]).map((i) => i.path),
        ['/spec/url'],
      );
      assert.match(refused.text, /spec\.credentials/);
      assert.equal((await s.call({ method: 'GET', url: '/v1/packsources/userinfo' })).status, 404);

      const update = await s.call({
        method: 'PUT',
        url: '/v1/packsources/allowed',
        body: { metadata: { name: 'allowed' }, spec: { type: 'helm', url: withPassword } },
      });
      assert.equal(update.status, 422, update.text);
      const patch = await s.call({
        method: 'PATCH',
        url: '/v1/packsources/allowed',
        contentType: 'application/merge-patch+json',
        body: { spec: { url: `http://robot:${PASSWORD}@example.org/` } },
      });
      assert.equal(patch.status, 422, patch.text);
      const kept = await s.call({ method: 'GET', url: '/v1/packsources/allowed' });
      assert.equal((kept.body.spec as { url: string }).url, allowed.url);

      const everything = [
        refused.text,
        update.text,
        patch.text,
        (await s.call({ method: 'GET', url: '/v1/packsources' })).text,
        (await s.call({ method: 'GET', url: '/v1/events' })).text,
        (await s.call({ method: 'GET', url: '/v1/auditentries' })).text,
        logLines.join('\n'),
      ].join('\n');
      assert.doesNotMatch(everything, new RegExp(PASSWORD));
      assert.ok(
        allowed.requests.slice(before).every((r) => !JSON.stringify(r.headers).includes(PASSWORD)),
        'the password was never sent',
      );
    });
  });
}
