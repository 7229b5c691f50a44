import { strict as assert } from 'node:assert';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cannedObject, problemReply, startCannedServer, type CannedServer } from '@strata/client/testing';
import { run } from './testing/run.js';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('runCli exit codes and error output', () => {
  let server: CannedServer;
  before(async () => {
    server = await startCannedServer({
      'GET /v1/projects/retail': { body: cannedObject({ kind: 'Project', name: 'retail' }) },
      'GET /v1/projects/invalid': problemReply('STRATA_VALIDATION_FAILED', '2 problems', [
        { path: '/spec/displayName', message: 'must be a string' },
        { path: '/metadata/name', message: 'must match DNS-1123' },
      ]),
      'GET /v1/projects/locked': problemReply('STRATA_FORBIDDEN', 'you may not read projects'),
      'GET /v1/projects/anonymous': problemReply('STRATA_UNAUTHENTICATED', 'a valid API key is required'),
    });
  });
  after(() => server.close());
  const env = () => ({ STRATA_SERVER: server.url, STRATA_API_KEY: 'k' });

  it('0 for success', async () => {
    const r = await run(['get', 'project', 'retail', '-o', 'name'], { env: env() });
    assert.deepEqual(r, { code: 0, stdout: 'project/retail\n', stderr: '' });
  });

  it('0 for --help, listing the commands and the server/sandbox pointers', async () => {
    const r = await run(['--help']);
    assert.equal(r.code, 0);
    for (const command of ['login', 'apply', 'get', 'describe', 'delete', 'wait'])
      assert.match(r.stdout, new RegExp(`\\n  ${command} `), command);
    assert.match(r.stdout, /server\s+run the Strata server \(see strata server --help\)/);
    assert.match(r.stdout, /sandbox\s+.*\(see strata sandbox --help\)/);
  });

  it('1 for a server error, printing detail, every issue and the code', async () => {
    const r = await run(['get', 'project', 'invalid'], { env: env() });
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      'error: 2 problems\n  /spec/displayName: must be a string\n  /metadata/name: must match DNS-1123\ncode: STRATA_VALIDATION_FAILED\n',
    );
    assert.equal(r.stdout, '');
  });

  it('1 when not signed in, with a hint', async () => {
    const r = await run(['get', 'project', 'anonymous'], { env: env() });
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      'error: a valid API key is required\ncode: STRATA_UNAUTHENTICATED\nhint: sign in with "strata login", or pass an API key with --api-key / STRATA_API_KEY\n',
    );
  });

  it('reads the API key from --api-key-file or STRATA_API_KEY_FILE (out of the process list), naming a bad file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'strata-key-'));
    try {
      const file = join(dir, 'key');
      await writeFile(file, 'file-key\n', { mode: 0o600 });
      const auth = () => server.requests.at(-1)?.headers.authorization;
      const viaFlag = await run(['get', 'project', 'retail', '-o', 'name', '--api-key-file', file], {
        env: { STRATA_SERVER: server.url },
      });
      assert.equal(viaFlag.code, 0, viaFlag.stderr);
      assert.equal(auth(), 'Bearer file-key');
      const viaEnv = await run(['get', 'project', 'retail', '-o', 'name'], {
        env: { STRATA_SERVER: server.url, STRATA_API_KEY_FILE: file },
      });
      assert.equal(viaEnv.code, 0, viaEnv.stderr);
      assert.equal(auth(), 'Bearer file-key');
      const both = await run(['get', 'project', 'retail', '--api-key', 'k', '--api-key-file', file], {
        env: env(),
      });
      assert.equal(both.code, 2);
      assert.match(both.stderr, /^error: give either --api-key or --api-key-file, not both\n/);
      const missing = await run(['get', 'project', 'retail', '--api-key-file', join(dir, 'nope')], {
        env: env(),
      });
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /^error: --api-key-file: cannot read .*nope: ENOENT/);
      await writeFile(file, '  \n');
      const empty = await run(['get', 'project', 'retail', '--api-key-file', file], { env: env() });
      assert.match(empty.stderr, /--api-key-file: .* is empty/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('1 for a refusal without issues', async () => {
    const r = await run(['get', 'project', 'locked'], { env: env() });
    assert.deepEqual([r.code, r.stderr], [1, 'error: you may not read projects\ncode: STRATA_FORBIDDEN\n']);
  });

  const usage: { name: string; argv: string[]; stderr: RegExp }[] = [
    { name: 'no command', argv: [], stderr: /Usage: strata/ },
    { name: 'unknown command', argv: ['frobnicate'], stderr: /unknown command 'frobnicate'/ },
    { name: 'unknown flag', argv: ['get', 'projects', '--colour'], stderr: /unknown option '--colour'/ },
    { name: 'missing argument', argv: ['describe', 'project'], stderr: /missing required argument 'name'/ },
    {
      name: 'unknown kind',
      argv: ['get', 'gizmos'],
      stderr: /unknown kind "gizmos"; known kinds: Tenant, Project/,
    },
    {
      name: 'bad output format',
      argv: ['get', 'projects', '-o', 'wide'],
      stderr: /unknown output format "wide"/,
    },
    {
      name: 'bad duration',
      argv: ['wait', 'project', 'x', '--for=delete', '--timeout', 'soon'],
      stderr: /invalid duration "soon"/,
    },
    {
      name: '--version on an unversioned kind',
      argv: ['get', 'project', 'x', '--version', '1'],
      stderr: /Project is not versioned/,
    },
    { name: 'bad --for', argv: ['wait', 'project', 'x', '--for=ready'], stderr: /unknown --for "ready"/ },
    { name: 'missing -f', argv: ['apply'], stderr: /give at least one -f FILE\|DIR\|-/ },
  ];
  for (const row of usage) {
    it(`2 for usage: ${row.name}`, async () => {
      const r = await run(row.argv, { env: env() });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, row.stderr);
    });
  }

  it('2 when no server is configured', async () => {
    const r = await run(['get', 'projects']);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /no server configured: pass --server URL, set STRATA_SERVER, or run "strata login URL"/,
    );
  });

  it('3 when the server cannot be reached', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const r = await run(['get', 'projects', '--server', url]);
    assert.equal(r.code, 3);
    assert.match(r.stderr, new RegExp(`^error: cannot reach server at ${url}: .*ECONNREFUSED`));
  });

  it('global flags work before and after the command', async () => {
    const before = await run(['--server', server.url, 'get', 'project', 'retail', '-o', 'name']);
    const after = await run(['get', 'project', 'retail', '-o', 'name', '--server', server.url]);
    assert.deepEqual([before.code, after.code], [0, 0]);
  });
});
