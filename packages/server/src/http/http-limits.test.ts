import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { testBackends } from '@strata/testing';
import { expectOk, startTestServer, type TestServer } from '../test/harness.js';

const LIMITS = { requestTimeoutMs: 1500, headersTimeoutMs: 1000 };

/** A raw connection to the listening server, with everything it receives collected. */
async function open(
  port: number,
): Promise<{ socket: Socket; received: () => string; closed: Promise<number> }> {
  const socket = connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const started = Date.now();
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - started)));
  socket.on('error', () => undefined);
  return { socket, received: () => text, closed };
}

for (const backend of await testBackends()) {
  describe(`slow and oversized requests on a listening server (${backend.name})`, () => {
    let s: TestServer;
    let port: number;
    before(async () => {
      s = await startTestServer(backend, { httpLimits: LIMITS });
      await s.app.listen({ host: '127.0.0.1', port: 0 });
      port = (s.app.server.address() as { port: number }).port;
    });
    after(() => s.close());

    it('cuts a sign-in whose body trickles in (slow loris) with 408 within the request timeout', async () => {
      const c = await open(port);
      c.socket.write(
        'POST /v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{',
      );
      const trickle = setInterval(() => c.socket.writable && c.socket.write(' '), 100);
      const elapsed = await Promise.race([c.closed, sleep(6000).then(() => Infinity)]);
      clearInterval(trickle);
      c.socket.destroy();
      assert.ok(elapsed < 4000, `the connection stayed open ${elapsed} ms`);
      assert.match(c.received(), /^HTTP\/1\.1 408 /);
      assert.match(c.received(), /STRATA_REQUEST_TIMEOUT/);
    });

    it('cuts a connection whose headers never end within the headers timeout', async () => {
      const c = await open(port);
      c.socket.write('GET /v1/macros HTTP/1.1\r\nHost: x\r\n');
      const trickle = setInterval(() => c.socket.writable && c.socket.write('x-a: b\r\n'), 100);
      const elapsed = await Promise.race([c.closed, sleep(6000).then(() => Infinity)]);
      clearInterval(trickle);
      c.socket.destroy();
      assert.ok(elapsed < 3500, `the connection stayed open ${elapsed} ms`);
    });

    it('keeps a watch open longer than the request timeout and still delivers changes', async () => {
      const c = await open(port);
      c.socket.write(
        `GET /v1/macros?watch=true HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${s.adminKey}\r\n\r\n`,
      );
      await sleep(LIMITS.requestTimeoutMs + 1500);
      await expectOk(
        s.call({
          method: 'POST',
          url: '/v1/macros',
          body: { metadata: { name: 'late' }, spec: { value: 'v' } },
        }),
      );
      const deadline = Date.now() + 5000;
      while (!c.received().includes('"late"') && Date.now() < deadline) await sleep(50);
      const stillOpen = !c.socket.destroyed;
      c.socket.destroy();
      assert.match(c.received(), /^HTTP\/1\.1 200 /);
      assert.ok(c.received().includes('"late"'), 'the watch delivered the change made after the timeout');
      assert.ok(stillOpen, 'the watch was closed');
    });

    it('answers 2,000 headers with 431 problem+json instead of dropping the connection', async () => {
      const c = await open(port);
      const headers = Array.from({ length: 2000 }, (_, i) => `x-h${i}: v\r\n`).join('');
      c.socket.write(`GET /v1/macros HTTP/1.1\r\nHost: x\r\n${headers}\r\n`);
      await Promise.race([c.closed, sleep(5000)]);
      c.socket.destroy();
      assert.match(c.received(), /^HTTP\/1\.1 431 /);
      assert.match(c.received(), /application\/problem\+json/);
      assert.match(c.received(), /STRATA_HEADERS_TOO_LARGE/);
    });

    // 101 headers pass Node's parser (its limit is one more) and meet refuseManyHeaders; 150 are refused by the parser.
    for (const total of [100, 101, 150]) {
      it(`answers ${total} small headers (under the size limit) ${total > 100 ? 'with 431' : 'without refusing them'}`, async () => {
        const c = await open(port);
        const headers = Array.from({ length: total - 2 }, (_, i) => `x${i}: v\r\n`).join('');
        c.socket.write(`GET /v1/macros HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${headers}\r\n`);
        await Promise.race([c.closed, sleep(5000)]);
        c.socket.destroy();
        if (total <= 100) {
          assert.match(c.received(), /^HTTP\/1\.1 401 /, 'not refused for its headers (401: no credentials)');
          return;
        }
        assert.match(c.received(), /^HTTP\/1\.1 431 /);
        assert.match(c.received(), /at most 100 headers/);
      });
    }
  });
}
