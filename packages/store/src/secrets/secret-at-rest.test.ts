import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { KyselyResourceRepository } from '../repositories/resources.js';
import { sqliteTestDatabase } from '../test-databases.js';
import { KeyRing } from './key-ring.js';
import { decryptString, encryptString } from './cipher.js';

describe('secret fields at rest (SQLite file bytes)', () => {
  it('stores only ciphertext: the plaintext never reaches the database file or its WAL', async () => {
    const db = await sqliteTestDatabase();
    const ring = new KeyRing([{ id: 'k1', key: randomBytes(32) }]);
    const secret = `plaintext-secret-${randomBytes(8).toString('hex')}`;
    const visible = `visible-marker-${randomBytes(8).toString('hex')}`;
    try {
      const repo = new KyselyResourceRepository({ db: db.handle.db });
      const scope = { tenant: 't', projects: '*' as const };
      const key = { kind: 'CloudAccount', tenant: 't', project: 'p', name: 'aws-main' };
      const spec = { provider: 'aws', region: visible, credentials: { secretAccessKey: secret } };
      // What the server stores for a secret field: the field's JSON, encrypted with the ring's current key.
      const sealed = { ...spec, credentials: encryptString(ring, JSON.stringify(spec.credentials)) };
      await repo.create(scope, { key, spec: sealed }, { name: 'u' });
      const stored = await repo.get(scope, key);
      assert.ok(stored);
      assert.deepEqual(stored.spec, sealed, 'the store keeps the ciphertext as given');
      assert.deepEqual(JSON.parse(decryptString(ring, String(stored.spec.credentials))), spec.credentials);
    } finally {
      await db.handle.close();
    }
    assert.ok(db.file);
    const dir = dirname(db.file);
    const files = (await readdir(dir)).map((f) => join(dir, f));
    const bytes = Buffer.concat(await Promise.all(files.map((f) => readFile(f))));
    assert.ok(bytes.includes(visible), 'control: ordinary fields are readable in the raw file');
    assert.ok(bytes.includes('enc:v1:k1:'), 'the secret is stored as an enc:v1 ciphertext');
    assert.ok(!bytes.includes(secret), 'the plaintext secret is not in the database files');
    await db.dispose();
  });
});
