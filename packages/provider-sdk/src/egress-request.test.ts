import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DEFAULT_EGRESS_POLICY, parseEgressPolicy } from '@strata/core';
import { EgressDeniedError, egressGet, readEgressBody, type EgressResolver } from './egress-request.js';

/** An HTTP server on a loopback address that records every request it gets. */
async function recordingServer(
  host: string,
  handle: (url: string, res: import('node:http').ServerResponse) => void,
): Promise<{ server: Server; base: string; requests: { url: string; headers: IncomingHttpHeaders }[] }> {
  const requests: { url: string; headers: IncomingHttpHeaders }[] = [];
  const server = createServer((req, res) => {
    requests.push({ url: req.url ?? '', headers: req.headers });
    handle(req.url ?? '', res);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return { server, base: `http://${host}:${(server.address() as AddressInfo).port}`, requests };
}

const close = (s: Server) => {
  s.closeAllConnections();
  return new Promise<void>((resolve) => s.close(() => resolve()));
};

describe('egress requests', () => {
  let a: Awaited<ReturnType<typeof recordingServer>>;
  let b: Awaited<ReturnType<typeof recordingServer>>;
  before(async () => {
    // Two loopback addresses: 127.0.0.2 stands for "a host the policy denies" without leaving the machine.
    b = await recordingServer('127.0.0.2', (_url, res) => res.writeHead(200).end('b'));
    a = await recordingServer('127.0.0.1', (url, res) => {
      if (url === '/to-b') res.writeHead(302, { location: `${b.base}/landed` }).end();
      else if (url === '/to-metadata')
        res.writeHead(301, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      else if (url === '/to-private') res.writeHead(307, { location: 'http://10.0.0.1/charts/' }).end();
      else res.writeHead(200).end('a');
    });
  });
  beforeEach(() => {
    a.requests.length = 0;
    b.requests.length = 0;
  });
  after(async () => {
    await close(a.server);
    await close(b.server);
  });

  const loopbackOnly = parseEgressPolicy('127.0.0.1/32').policy;
  const denied = async (promise: Promise<unknown>, message: RegExp) => {
    await assert.rejects(promise, (err: unknown) => {
      assert.ok(err instanceof EgressDeniedError, String(err));
      assert.match(err.message, message);
      return true;
    });
  };

  it('the default policy refuses loopback, link-local, metadata and private addresses before connecting', async () => {
    const port = new URL(a.base).port;
    for (const host of [
      `127.0.0.1:${port}`,
      `[::1]:${port}`,
      `[::ffff:127.0.0.1]:${port}`,
      '169.254.169.254',
      '10.0.0.1',
      '[::ffff:10.0.0.1]',
      '192.168.1.1',
      '[fd00::1]',
      '0.0.0.0',
      '2130706433', // 127.0.0.1 as one number: the URL parser reads it as the address it is
    ]) {
      const url = new URL(`http://${host}/index.yaml`);
      await denied(
        egressGet({ policy: DEFAULT_EGRESS_POLICY, url }),
        /is not allowed by this server's egress policy \(an administrator can allow it with --egress-allow\)$/,
      );
    }
    assert.deepEqual(a.requests, [], 'the local server got no request');
  });

  it('a name that resolves to loopback is refused (localhost, through the system resolver)', async () => {
    const url = new URL(`http://localhost:${new URL(a.base).port}/`);
    await denied(
      egressGet({ policy: DEFAULT_EGRESS_POLICY, url }),
      /^egress to localhost \(a loopback address\)/,
    );
    assert.deepEqual(a.requests, []);
  });

  it('a name with any denied address is refused, even when another address is public', async () => {
    const resolver: EgressResolver = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '169.254.169.254', family: 4 },
    ];
    await denied(
      egressGet({ policy: DEFAULT_EGRESS_POLICY, url: new URL('http://repo.example.test/'), resolver }),
      /^egress to repo\.example\.test \(a link-local address\)/,
    );
  });

  it('resolves once and connects to the checked address, keeping the host name in the request', async () => {
    const port = new URL(a.base).port;
    const answers = ['127.0.0.1', '127.0.0.2'];
    const asked: string[] = [];
    // A rebinding resolver: its second answer would be the denied 127.0.0.2.
    const resolver: EgressResolver = async (host) => {
      asked.push(host);
      return [{ address: answers.shift()!, family: 4 }];
    };
    const res = await egressGet({
      policy: loopbackOnly,
      url: new URL(`http://rebind.example.test:${port}/x`),
      resolver,
    });
    assert.equal((await readEgressBody(res, 100))?.toString(), 'a');
    assert.deepEqual(asked, ['rebind.example.test']);
    assert.equal(a.requests[0]?.headers.host, `rebind.example.test:${port}`);
    assert.deepEqual(b.requests, []);
  });

  it('every redirect hop is checked: a redirect to a denied address is refused and not followed', async () => {
    await denied(
      egressGet({ policy: loopbackOnly, url: new URL(`${a.base}/to-b`), maxRedirects: 5 }),
      /^egress to 127\.0\.0\.2 is not allowed/,
    );
    await denied(
      egressGet({ policy: loopbackOnly, url: new URL(`${a.base}/to-metadata`), maxRedirects: 5 }),
      /^egress to 169\.254\.169\.254 is not allowed/,
    );
    await denied(
      egressGet({ policy: loopbackOnly, url: new URL(`${a.base}/to-private`), maxRedirects: 5 }),
      /^egress to 10\.0\.0\.1 is not allowed/,
    );
    assert.equal(a.requests.length, 3);
    assert.deepEqual(b.requests, [], 'the denied host got no request');
  });

  it('with the range allowed a redirect is followed, and credentials stay with their origin', async () => {
    const res = await egressGet({
      policy: parseEgressPolicy('127.0.0.0/8').policy,
      url: new URL(`${a.base}/to-b`),
      headers: { authorization: 'Bearer for-a-only' },
      maxRedirects: 5,
    });
    assert.equal(res.status, 200);
    assert.equal(res.url.href, `${b.base}/landed`);
    assert.equal((await readEgressBody(res, 100))?.toString(), 'b');
    assert.equal(a.requests[0]?.headers.authorization, 'Bearer for-a-only');
    assert.equal(b.requests[0]?.headers.authorization, undefined);
  });

  it('without maxRedirects a redirect is the answer', async () => {
    const res = await egressGet({ policy: loopbackOnly, url: new URL(`${a.base}/to-b`) });
    res.body.resume();
    assert.equal(res.status, 302);
    assert.deepEqual(b.requests, []);
  });
});
