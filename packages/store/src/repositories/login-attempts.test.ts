import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testBackends, type TestDatabase } from '../test-databases.js';
import { LoginAttemptRepository } from './login-attempts.js';

const limit = { max: 10, windowMs: 60_000 };

for (const backend of await testBackends()) {
  describe(`LoginAttemptRepository [${backend.name}]`, () => {
    let db: TestDatabase;
    let now: number;
    let attempts: LoginAttemptRepository;
    before(async () => {
      db = await backend.create();
      now = Date.parse('2026-01-01T00:00:00.000Z');
      attempts = new LoginAttemptRepository({ db: db.handle.db, now: () => now });
    });
    after(() => db.dispose());

    it('60 concurrent reservations: exactly the limit get through, on two repositories over one database', async () => {
      const other = new LoginAttemptRepository({ db: db.handle.db, now: () => now });
      const results = await Promise.all(
        Array.from({ length: 60 }, (_, i) => (i % 2 ? attempts : other).reserve(['user:a', 'ip:1'], limit)),
      );
      assert.equal(results.filter(Boolean).length, 10);
      assert.equal(await attempts.reserve(['user:b', 'ip:1'], limit), false, 'the address is used up');
      assert.equal(
        await attempts.reserve(['user:b', 'ip:2'], limit),
        true,
        'a refused reservation took nothing',
      );
    });

    it('the window ends; clear forgets one key; release hands back one attempt', async () => {
      for (let i = 0; i < 10; i++) assert.ok(await attempts.reserve(['user:c', `ip:c${i}`], limit));
      assert.equal(await attempts.reserve(['user:c', 'ip:x'], limit), false);
      now += limit.windowMs + 1;
      assert.equal(await attempts.reserve(['user:c', 'ip:x'], limit), true, 'a new window');
      await attempts.clear('user:c');
      for (let i = 0; i < 9; i++) assert.ok(await attempts.reserve(['user:d', 'ip:y'], limit));
      assert.ok(await attempts.reserve(['user:e', 'ip:y'], limit));
      await attempts.release('ip:y');
      assert.ok(await attempts.reserve(['user:f', 'ip:y'], limit), 'the released attempt is there again');
      assert.equal(await attempts.reserve(['user:g', 'ip:y'], limit), false);
      await attempts.prune(limit.windowMs);
      now += limit.windowMs + 1;
      await attempts.prune(limit.windowMs);
      assert.ok(await attempts.reserve(['user:d', 'ip:y'], limit));
    });
  });
}
