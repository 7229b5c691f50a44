import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerConsole } from './console.js';

describe('registerConsole', () => {
  let dir: string;
  let app: FastifyInstance;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'strata-console-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><div id="root"></div>');
    await writeFile(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
    await writeFile(join(dir, 'robots.txt'), 'User-agent: *');
    app = Fastify();
    // Like app.ts: every route needs a key unless it is marked public.
    app.addHook('onRequest', async (req, reply) => {
      if (!req.routeOptions.config.public && !req.headers.authorization)
        await reply.code(401).send({ code: 'STRATA_UNAUTHENTICATED' });
    });
    app.setNotFoundHandler((_req, reply) => reply.code(404).send({ code: 'STRATA_NOT_FOUND' }));
    app.get('/v1/things', async () => ({ items: [] }));
    assert.equal(await registerConsole(app, { distDir: dir }), true);
    await app.ready();
  });
  after(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves index.html at / and for console routes, without an API key, never cached', async () => {
    for (const url of ['/', '/clusters', '/clusters/shop?tab=layers', '/settings/apikeys']) {
      const res = await app.inject({ url });
      assert.equal(res.statusCode, 200, url);
      assert.match(res.headers['content-type'] as string, /text\/html/);
      assert.match(res.body, /id="root"/);
      assert.equal(res.headers['cache-control'], 'no-cache');
      assert.match(res.headers['content-security-policy'] as string, /default-src 'self'/);
    }
  });

  it('serves hashed assets with long-lived caching, and top-level files', async () => {
    const res = await app.inject({ url: '/assets/index-abc123.js' });
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /javascript/);
    assert.match(res.headers['cache-control'] as string, /max-age=31536000, immutable/);
    assert.equal((await app.inject({ url: '/robots.txt' })).body, 'User-agent: *');
    assert.equal((await app.inject({ url: '/assets/missing.js' })).statusCode, 404);
  });

  it('does not answer API paths with the console, and keeps files outside the build out of reach', async () => {
    assert.equal((await app.inject({ url: '/v1/nothing-here' })).statusCode, 404);
    assert.equal((await app.inject({ url: '/v1/things' })).statusCode, 401, 'API routes still need a key');
    assert.equal((await app.inject({ url: '/metrics' })).statusCode, 404);
    const traversal = await app.inject({ url: '/assets/..%2f..%2fetc%2fpasswd' });
    assert.notEqual(traversal.statusCode, 200);
  });

  it('registers nothing when the console is not built', async () => {
    const other = Fastify();
    assert.equal(await registerConsole(other, { distDir: join(dir, 'nope') }), false);
    await other.close();
  });
});
