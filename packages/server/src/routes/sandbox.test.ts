import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BinaryInstaller } from '@strata/sandbox';
import { sqliteTestDatabase } from '@strata/testing';
import { startTestServer, type TestServer } from '../test/harness.js';

describe('GET /v1/sandbox/status', () => {
  let s: TestServer;
  let emptyCache: string;
  before(async () => {
    emptyCache = await mkdtemp(join(tmpdir(), 'strata-empty-cache-'));
    // An installer over an empty cache: nothing is built, and the test never starts a build.
    s = await startTestServer(
      { name: 'sqlite', create: sqliteTestDatabase },
      { sandboxInstaller: new BinaryInstaller({ cacheRoot: emptyCache }) },
    );
  });
  after(async () => {
    await s?.close();
    await rm(emptyCache, { recursive: true, force: true });
  });

  it('says the binaries are missing rather than failing, and needs an API key', async () => {
    const res = await s.call({ method: 'GET', url: '/v1/sandbox/status' });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.state, 'missing');
    assert.equal((await s.call({ method: 'GET', url: '/v1/sandbox/status', key: null })).status, 401);
  });
});
