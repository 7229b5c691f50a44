import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_EGRESS_POLICY, parseEgressPolicy } from '@strata/core';
import type { ImportTarget } from './import-kubeconfig.js';
import { probeCluster } from './probe.js';

const target = (server: string): ImportTarget => ({ server, insecureSkipTlsVerify: true, token: 't' });
const listen = async (server: Server): Promise<number> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
};

describe('imported cluster probe: egress and port scanning', () => {
  let connections = 0;
  /** Accepts and resets every connection (an open port that is not an API server). */
  const resetting = createServer((socket) => {
    connections++;
    socket.resetAndDestroy();
  });
  /** Answers plain HTTP where TLS is expected (EPROTO for the probe). */
  const plainHttp = createHttpServer((_req, res) => res.end('not tls'));
  plainHttp.on('connection', () => connections++);
  let resetPort = 0;
  let httpPort = 0;
  let closedPort = 0;
  before(async () => {
    resetPort = await listen(resetting);
    httpPort = await listen(plainHttp);
    const gone = createServer();
    closedPort = await listen(gone);
    await new Promise<void>((resolve) => gone.close(() => resolve()));
  });
  after(async () => {
    plainHttp.closeAllConnections();
    await Promise.all(
      [resetting, plainHttp].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))),
    );
  });

  it('refuses loopback, localhost, the metadata address and private ranges by default, without connecting', async () => {
    const cases: [string, RegExp][] = [
      [`https://127.0.0.1:${httpPort}`, /^egress to 127\.0\.0\.1 is not allowed/],
      [`https://localhost:${httpPort}`, /^egress to localhost \(a loopback address\) is not allowed/],
      [`https://[::ffff:127.0.0.1]:${resetPort}`, /^egress to ::ffff:7f00:1 is not allowed/],
      ['https://169.254.169.254', /^egress to 169\.254\.169\.254 is not allowed/],
      ['https://10.0.0.1:6443', /^egress to 10\.0\.0\.1 is not allowed/],
      ['https://172.16.0.1:6443', /^egress to 172\.16\.0\.1 is not allowed/],
    ];
    for (const [server, message] of cases) {
      const r = await probeCluster(target(server), { timeoutMs: 2000, egress: DEFAULT_EGRESS_POLICY });
      assert.equal(r.ok, false);
      assert.match(r.ok ? '' : r.message, message, server);
      assert.match(r.ok ? '' : r.message, /\(an administrator can allow it with --egress-allow\)$/);
    }
    assert.equal(connections, 0, 'nothing was dialed');
  });

  it('a closed port, a port that resets and a port that is not TLS read the same (loopback allowed)', async () => {
    const egress = parseEgressPolicy('127.0.0.0/8').policy;
    const messages: string[] = [];
    for (const port of [closedPort, resetPort, httpPort]) {
      const r = await probeCluster(target(`https://127.0.0.1:${port}`), { timeoutMs: 2000, egress });
      assert.equal(r.ok, false);
      messages.push((r.ok ? '' : r.message).replace(String(port), 'PORT'));
    }
    assert.ok(connections >= 2, 'the open ports were really dialed');
    assert.deepEqual(new Set(messages), new Set([messages[0]]), messages.join('\n'));
    assert.equal(
      messages[0],
      'could not connect to https://127.0.0.1:PORT; check the server address and that it is reachable from the Strata server',
    );
  });
});
