import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as nodeCrypto from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sqliteTestDatabase } from '@strata/testing';
import { enableFips, type FipsCrypto } from './fips.js';
import { expectOk, startTestServer, type TestServer } from './test/harness.js';

/** A crypto whose FIPS switch and digests behave as given (what OpenSSL does with and without its FIPS module). */
function openssl(o: {
  setFipsThrows?: boolean;
  inFips: 'none' | 'approved-only' | 'everything';
}): FipsCrypto & {
  fips: boolean;
} {
  const c = {
    fips: false,
    setFips(on: boolean) {
      if (o.setFipsThrows) throw new Error('not supported');
      c.fips = on;
    },
    getFips: () => (c.fips ? 1 : 0),
    createHash(algorithm: string) {
      const allowed =
        !c.fips || o.inFips === 'everything' || (o.inFips === 'approved-only' && algorithm !== 'md5');
      if (!allowed) throw new Error('error:0308010C:digital envelope routines::unsupported');
      return nodeCrypto.createHash(algorithm);
    },
  };
  return c;
}

describe('--fips', () => {
  it('is on only when approved digests work and MD5 is refused', () => {
    const good = openssl({ inFips: 'approved-only' });
    assert.deepEqual(enableFips(good), { enabled: true });
    assert.equal(good.fips, true);
  });

  for (const [name, given, reason] of [
    ['no FIPS provider (every digest fails)', { inFips: 'none' }, /no usable FIPS provider/],
    ['FIPS mode without effect (MD5 still works)', { inFips: 'everything' }, /did not take effect/],
    ['Node refuses the switch', { setFipsThrows: true, inFips: 'none' }, /could not enter FIPS mode/],
  ] as const) {
    it(`reports ${name} and leaves FIPS mode off`, () => {
      const c = openssl(given);
      const report = enableFips(c);
      assert.equal(report.enabled, false);
      assert.match((report as { reason: string }).reason, reason);
      assert.equal(c.fips, false);
    });
  }

  it("says plainly whether this machine's Node can run in FIPS mode, and restores it when not", () => {
    const report = enableFips();
    try {
      if (report.enabled) assert.throws(() => nodeCrypto.createHash('md5'));
      else assert.match(report.reason, /FIPS/);
    } finally {
      nodeCrypto.setFips(false);
    }
    assert.equal(nodeCrypto.createHash('sha256').update('x').digest('hex').length, 64);
  });

  it('`strata server --fips` refuses to start where there is no FIPS provider, saying why', async (t) => {
    if (enableFips().enabled) {
      nodeCrypto.setFips(false);
      t.skip('this Node has a FIPS provider');
      return;
    }
    const dir = await mkdtemp(join(tmpdir(), 'strata-fips-'));
    try {
      const child = spawn(
        process.execPath,
        [
          new URL('../../../bin/strata.js', import.meta.url).pathname,
          'server',
          '--fips',
          '--data-dir',
          dir,
          '--listen',
          '127.0.0.1:0',
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      assert.equal(code, 1);
      assert.match(stderr, /--fips: .*no usable FIPS provider/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('a server in FIPS mode', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ name: 'sqlite', create: sqliteTestDatabase }, { fips: true });
  });
  after(async () => s?.close());

  it('refuses password sign-in and passwords on users, naming why', async () => {
    const login = await s.call({
      method: 'POST',
      url: '/v1/login',
      key: null,
      body: { username: 'admin', password: 'whatever-1' },
    });
    assert.equal(login.status, 403);
    assert.match(login.text, /FIPS mode: passwords \(argon2id/);
    const user = await s.call({
      method: 'POST',
      url: '/v1/users',
      body: { metadata: { name: 'pat' }, spec: { password: 'a long password' } },
    });
    assert.equal(user.status, 422);
    assert.match(user.text, /FIPS-approved/);
    await expectOk(
      s.call({ method: 'POST', url: '/v1/users', body: { metadata: { name: 'pat' }, spec: {} } }),
    );
  });
});
