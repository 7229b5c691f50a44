import { strict as assert } from 'node:assert';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { StrataError } from '@strata/api';
import { problemReply, startCannedServer, type CannedServer } from './testing/index.js';
import { Transport, codeForStatus, isUnreachable } from './transport.js';

async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('Transport', () => {
  let server: CannedServer;
  before(async () => {
    server = await startCannedServer({
      'GET /v1/ok': { body: { ok: true } },
      'GET /prefix/v1/ok': { body: { prefixed: true } },
      'GET /v1/problem': problemReply('STRATA_VALIDATION_FAILED', '2 problems', [
        { path: '/spec/a', message: 'required' },
        { path: '/spec/b', message: 'must be a number' },
      ]),
      'GET /v1/html': { status: 502, body: '<html>bad gateway</html>' },
      'GET /v1/notjson': { body: 'not json' },
      'GET /v1/empty': { status: 200 },
    });
  });
  after(() => server.close());

  it('sends the bearer token, user agent and JSON body', async () => {
    const t = new Transport({ server: server.url, apiKey: 'k-123', userAgent: 'test/1' });
    await t.request({ method: 'GET', path: '/v1/ok', query: { a: 'x y', skip: undefined, n: 3 } });
    const req = server.requests.at(-1)!;
    assert.equal(req.headers.authorization, 'Bearer k-123');
    assert.equal(req.headers['user-agent'], 'test/1');
    assert.equal(req.query.get('a'), 'x y');
    assert.equal(req.query.get('n'), '3');
    assert.equal(req.query.has('skip'), false);
  });

  it('omits Authorization without an API key', async () => {
    await new Transport({ server: server.url }).request({ method: 'GET', path: '/v1/ok' });
    assert.equal(server.requests.at(-1)!.headers.authorization, undefined);
  });

  it('keeps a path prefix of the server URL', async () => {
    assert.deepEqual(
      await new Transport({ server: `${server.url}/prefix/` }).request({ method: 'GET', path: '/v1/ok' }),
      { prefixed: true },
    );
  });

  it('maps a problem+json body to a StrataError with all issues', async () => {
    const err = await new Transport({ server: server.url })
      .request({ method: 'GET', path: '/v1/problem' })
      .catch((e: unknown) => e);
    assert.ok(err instanceof StrataError);
    assert.equal(err.code, 'STRATA_VALIDATION_FAILED');
    assert.equal(err.message, '2 problems');
    assert.deepEqual(
      err.issues.map((i) => i.path),
      ['/spec/a', '/spec/b'],
    );
  });

  it('maps a non-problem error body by HTTP status and quotes it', async () => {
    await assert.rejects(
      new Transport({ server: server.url }).request({ method: 'GET', path: '/v1/html' }),
      (err: StrataError) => {
        assert.equal(err.code, 'STRATA_UNAVAILABLE');
        assert.equal(isUnreachable(err), false);
        assert.match(err.message, /HTTP 502 .*bad gateway/);
        return true;
      },
    );
  });

  it('reports a 2xx body that is not JSON', async () => {
    await assert.rejects(
      new Transport({ server: server.url }).request({ method: 'GET', path: '/v1/notjson' }),
      { code: 'STRATA_INTERNAL' },
    );
  });

  it('returns undefined for an empty body', async () => {
    assert.equal(
      await new Transport({ server: server.url }).request({ method: 'GET', path: '/v1/empty' }),
      undefined,
    );
  });

  it('maps connection failures to STRATA_UNAVAILABLE naming the server', async () => {
    const url = `http://127.0.0.1:${await unusedPort()}`;
    await assert.rejects(
      new Transport({ server: url }).request({ method: 'GET', path: '/v1/ok' }),
      (err: StrataError) => {
        assert.equal(err.code, 'STRATA_UNAVAILABLE');
        assert.equal(isUnreachable(err), true);
        assert.match(err.message, new RegExp(`^cannot reach server at ${url}: .*ECONNREFUSED`));
        return true;
      },
    );
  });

  it('rethrows the abort reason, not STRATA_UNAVAILABLE, when the caller aborts', async () => {
    const signal = AbortSignal.abort(new Error('caller gave up'));
    await assert.rejects(
      new Transport({ server: server.url }).request({ method: 'GET', path: '/v1/ok', signal }),
      /caller gave up/,
    );
  });

  it('rejects server URLs that are not http(s)', () => {
    assert.throws(() => new Transport({ server: 'localhost:7080' }), { code: 'STRATA_BAD_REQUEST' });
    assert.throws(() => new Transport({ server: 'not a url' }), { code: 'STRATA_BAD_REQUEST' });
  });

  it('maps statuses to catalogue codes', () => {
    assert.deepEqual([401, 403, 404, 409, 410, 418, 500, 503].map(codeForStatus), [
      'STRATA_UNAUTHENTICATED',
      'STRATA_FORBIDDEN',
      'STRATA_NOT_FOUND',
      'STRATA_CONFLICT',
      'STRATA_GONE',
      'STRATA_BAD_REQUEST',
      'STRATA_INTERNAL',
      'STRATA_UNAVAILABLE',
    ]);
  });
});
