import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LoginAttemptRepository } from '@strata/store';
import { testBackends } from '@strata/testing';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { expectOk, startTestServer, type TestServer } from './test/harness.js';

const PASSWORD = 'correct horse battery';

async function signIn(app: FastifyInstance, username: string, password: string, ip: string) {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/login',
    remoteAddress: ip,
    payload: { username, password },
  });
  return { status: res.statusCode, code: (JSON.parse(res.body) as { code?: string }).code };
}

for (const backend of await testBackends()) {
  describe(`sign-in limits on ${backend.name}`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(backend);
      for (const name of ['lena', 'vic1', 'vic2', 'eve', 'sam'])
        await expectOk(
          s.call({
            method: 'POST',
            url: '/v1/users',
            body: { metadata: { name }, spec: { password: PASSWORD } },
          }),
        );
    });
    after(async () => s?.close());

    it('finding 7: 60 concurrent wrong passwords are not all checked, and the right one after them is refused', async () => {
      const burst = await Promise.all(
        Array.from({ length: 60 }, () => signIn(s.app, 'lena', 'wrong password', '10.1.0.1')),
      );
      assert.equal(
        burst.filter((r) => r.status === 401).length,
        10,
        'only the allowed attempts were checked',
      );
      assert.equal(burst.filter((r) => r.status === 429).length, 50);
      const right = await signIn(s.app, 'lena', PASSWORD, '10.1.0.2');
      assert.deepEqual(right, { status: 429, code: 'STRATA_RATE_LIMITED' });
    });

    it("finding 7: signing in to one's own account between guesses does not reset the address's count", async () => {
      const ip = '10.2.0.1';
      const guesses: number[] = [];
      const own: number[] = [];
      for (const victim of ['vic1', 'vic2']) {
        for (let i = 0; i < 9; i++) guesses.push((await signIn(s.app, victim, `guess ${i}`, ip)).status);
        own.push((await signIn(s.app, 'eve', PASSWORD, ip)).status);
      }
      assert.equal(guesses.filter((r) => r === 401).length, 10, 'ten failures per address, successes or not');
      assert.ok(guesses.slice(10).every((r) => r === 429));
      assert.deepEqual(own, [200, 429], 'the address is used up for everyone');
      // eve's success cleared only eve's count: vic1's 9 failures still stand (seen from another address).
      assert.equal((await signIn(s.app, 'vic1', 'guess 9', '10.2.0.2')).status, 401);
      assert.equal((await signIn(s.app, 'vic1', PASSWORD, '10.2.0.3')).status, 429);
    });

    it('finding 7: two servers over one database share the limit', async () => {
      const second = await buildApp({
        store: s.store,
        cipher: s.cipher,
        logger: false,
        loginAttempts: new LoginAttemptRepository({ db: s.database.handle.db }),
      });
      try {
        const ip = '10.3.0.1';
        const statuses: number[] = [];
        for (let i = 0; i < 6; i++) {
          statuses.push((await signIn(s.app, 'sam', `guess ${i}`, ip)).status);
          statuses.push((await signIn(second.app, 'sam', `guess ${i}`, ip)).status);
        }
        assert.deepEqual(statuses, [...Array<number>(10).fill(401), 429, 429]);
        assert.equal((await signIn(second.app, 'sam', PASSWORD, '10.3.0.2')).status, 429);
      } finally {
        await second.app.close();
      }
    });
  });
}
