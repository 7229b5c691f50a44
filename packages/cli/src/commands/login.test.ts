import { strict as assert } from 'node:assert';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { problemReply, startCannedServer, type CannedServer } from '@strata/client/testing';
import { run, tempDir } from '../testing/run.js';

describe('strata login', () => {
  let server: CannedServer;
  let dir: string;
  let cleanup: () => Promise<void>;
  let configFile: string;
  before(async () => {
    ({ dir, cleanup } = await tempDir());
    server = await startCannedServer({
      'POST /v1/login': (req) => {
        const body = JSON.parse(req.body) as { username: string; password: string };
        if (body.password !== 's3cret pass')
          return problemReply('STRATA_UNAUTHENTICATED', 'wrong user name or password');
        return {
          body: {
            token: 'session-token',
            expiresAt: '2026-01-02T00:00:00Z',
            user: body.username,
            tenant: 'acme',
          },
        };
      },
      'GET /v1/whoami': (req) =>
        req.headers.authorization === 'Bearer good-key'
          ? { body: { user: 'ci', tenant: 'acme', roles: [] } }
          : problemReply('STRATA_UNAUTHENTICATED', 'invalid API key'),
    });
  });
  beforeEach(() => {
    configFile = join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
  });
  after(async () => {
    await server.close();
    await cleanup();
  });
  const readSaved = async () => JSON.parse(await readFile(configFile, 'utf8')) as Record<string, string>;

  it('signs in with --password-stdin and saves server, token and default project (0600)', async () => {
    const r = await run(['login', server.url, '-u', 'admin', '--password-stdin', '-p', 'retail'], {
      stdin: 's3cret pass\n',
      env: { STRATA_CONFIG: configFile },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      new RegExp(`Logged in to ${server.url} as admin \\(tenant acme\\), default project retail\\.`),
    );
    assert.deepEqual(JSON.parse(server.requestsTo('POST /v1/login').at(-1)!.body), {
      username: 'admin',
      password: 's3cret pass',
    });
    assert.deepEqual(await readSaved(), {
      server: server.url,
      token: 'session-token',
      tokenExpiresAt: '2026-01-02T00:00:00Z',
      user: 'admin',
      tenant: 'acme',
      project: 'retail',
    });
    assert.equal((await stat(configFile)).mode & 0o777, 0o600);
  });

  it('saves an API key after checking it with whoami', async () => {
    const r = await run(['login', server.url, '--api-key', 'good-key', '--config', configFile]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await readSaved(), {
      server: server.url,
      apiKey: 'good-key',
      user: 'ci',
      tenant: 'acme',
    });
  });

  it('accepts host:port for the server', async () => {
    const hostPort = server.url.replace('http://', '');
    const r = await run(['login', hostPort, '--api-key', 'good-key', '--config', configFile]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await readSaved()).server, server.url);
  });

  it('the saved credentials are used by later commands', async () => {
    await run(['login', server.url, '--api-key', 'good-key', '--config', configFile]);
    await run(['get', 'project', 'x', '--config', configFile]);
    assert.equal(server.requests.at(-1)!.headers.authorization, 'Bearer good-key');
  });

  it('keeps the default project of the same server on a new login', async () => {
    await writeFile(configFile, JSON.stringify({ server: server.url, apiKey: 'old', project: 'retail' }));
    await run(['login', '--api-key', 'good-key', '--config', configFile]);
    assert.equal((await readSaved()).project, 'retail');
  });

  it('a wrong password exits 1 and writes nothing', async () => {
    const r = await run(['login', server.url, '-u', 'admin', '--password-stdin'], {
      stdin: 'nope',
      env: { STRATA_CONFIG: configFile },
    });
    assert.deepEqual(
      [r.code, r.stderr],
      [1, 'error: wrong user name or password\ncode: STRATA_UNAUTHENTICATED\n'],
    );
    await assert.rejects(stat(configFile), { code: 'ENOENT' });
  });

  it('usage errors: no server, no terminal to prompt, key and password together', async () => {
    const noServer = await run(['login', '--config', configFile]);
    assert.deepEqual([noServer.code, /give the server URL/.test(noServer.stderr)], [2, true]);
    const noTty = await run(['login', server.url, '-u', 'admin', '--config', configFile]);
    assert.deepEqual(
      [noTty.code, /cannot prompt for password: stdin is not a terminal/.test(noTty.stderr)],
      [2, true],
    );
    const both = await run(['login', server.url, '--api-key', 'k', '-u', 'admin', '--config', configFile]);
    assert.equal(both.code, 2);
  });
});
