import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_EGRESS_POLICY, parseEgressPolicy } from '@strata/core';
import { generatePki } from '@strata/sandbox';
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

describe('imported cluster probe: a host name connects to its checked address and TLS checks the name', () => {
  const seen: { host?: string; servername?: string | false | null }[] = [];
  let server: ReturnType<typeof createHttpsServer>;
  let port = 0;
  let ca = '';
  before(async () => {
    const pki = await generatePki({ clusterName: 'probe', firstServiceIp: '10.96.0.1' });
    ca = Buffer.from(pki.ca.cert).toString('base64');
    server = createHttpsServer({ cert: pki.apiserver.cert, key: pki.apiserver.key }, (req, res) => {
      seen.push({ host: req.headers.host, servername: (req.socket as TLSSocket).servername });
      res.setHeader('content-type', 'application/json');
      res.end(req.url === '/version' ? '{"gitVersion":"v1.36.3"}' : '{"items":[]}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => server.close());

  const egress = parseEgressPolicy('127.0.0.0/8').policy;
  // Names the system resolver does not know: the injected resolver is the only way they reach 127.0.0.1.
  const resolver = async () => [{ address: '127.0.0.1', family: 4 as const }];
  const probe = (host: string, policy = egress) =>
    probeCluster(
      { server: `https://${host}:${port}`, caData: ca, insecureSkipTlsVerify: false, token: 't' },
      { timeoutMs: 2000, egress: policy, resolver },
    );

  it('a name in the certificate succeeds, with the name as TLS server name and Host', async () => {
    assert.deepEqual(await probe('kubernetes.default.svc'), { ok: true, version: 'v1.36.3' });
    assert.deepEqual(seen[0], {
      host: `kubernetes.default.svc:${port}`,
      servername: 'kubernetes.default.svc',
    });
  });

  it('a name the certificate does not carry fails although the address is the same', async () => {
    const r = await probe('api.example.test');
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.message, /is not trusted .*\(ERR_TLS_CERT_ALTNAME_INVALID\)/);
  });

  it('the same name is refused when the policy denies what it resolves to', async () => {
    const before = seen.length;
    const r = await probe('kubernetes.default.svc', DEFAULT_EGRESS_POLICY);
    assert.deepEqual(r, {
      ok: false,
      message:
        "egress to kubernetes.default.svc (a loopback address) is not allowed by this server's egress policy (an administrator can allow it with --egress-allow)",
    });
    assert.equal(seen.length, before);
  });
});
