import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { decryptString, encryptString } from './cipher.js';
import { KEY_FILE_NAME, loadKeyRing, retireKey, rotateKeyFile } from './key-file.js';
import { fingerprintKeyId } from './key-ring.js';

describe('key ring loading', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'strata-keys-'));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('creates a 0600 key file with one random 32-byte key on first start and reuses it', async () => {
    const first = await loadKeyRing({ dataDir, env: {} });
    assert.equal(first.source, 'created');
    assert.equal(first.file, join(dataDir, KEY_FILE_NAME));
    assert.equal((await stat(join(dataDir, KEY_FILE_NAME))).mode & 0o777, 0o600);
    assert.equal(first.ring.primary.key.length, 32);
    const second = await loadKeyRing({ dataDir, env: {} });
    assert.equal(second.source, 'file');
    assert.deepEqual(second.warnings, []);
    assert.equal(decryptString(second.ring, encryptString(first.ring, 'x')), 'x');
  });

  it('warns when the key file is readable by others', async () => {
    await loadKeyRing({ dataDir, env: {} });
    await chmod(join(dataDir, KEY_FILE_NAME), 0o644);
    const loaded = await loadKeyRing({ dataDir, env: {} });
    assert.match(loaded.warnings[0] ?? '', /chmod 600/);
  });

  it('prefers STRATA_ENCRYPTION_KEYS (first is primary), then STRATA_ENCRYPTION_KEY', async () => {
    const a = randomBytes(32);
    const b = randomBytes(32);
    const many = await loadKeyRing({
      dataDir,
      env: { STRATA_ENCRYPTION_KEYS: `new:${b.toString('base64')},old:${a.toString('base64')}` },
    });
    assert.equal(many.source, 'env');
    assert.deepEqual(many.ring.ids, ['new', 'old']);
    assert.equal(many.ring.primary.id, 'new');
    const one = await loadKeyRing({ dataDir, env: { STRATA_ENCRYPTION_KEY: a.toString('base64') } });
    assert.equal(one.ring.primary.id, fingerprintKeyId(a));
    await assert.rejects(
      loadKeyRing({ dataDir, env: { STRATA_ENCRYPTION_KEY: 'dG9vIHNob3J0' } }),
      /expected base64 of 32 bytes/,
    );
    await assert.rejects(loadKeyRing({ dataDir, env: { STRATA_ENCRYPTION_KEYS: 'nocolon' } }), /id:base64/);
  });

  it('rotates the key file: new primary, old keys still decrypt, retire removes a key', async () => {
    const before = await loadKeyRing({ dataDir, env: {} });
    const old = encryptString(before.ring, 'kept');
    const newId = await rotateKeyFile(dataDir);
    const after = await loadKeyRing({ dataDir, env: {} });
    assert.equal(after.ring.primary.id, newId);
    assert.equal(decryptString(after.ring, old), 'kept');
    assert.equal((await stat(join(dataDir, KEY_FILE_NAME))).mode & 0o777, 0o600);
    await assert.rejects(retireKey(dataDir, newId), /primary/);
    await retireKey(dataDir, before.ring.primary.id);
    const retired = await loadKeyRing({ dataDir, env: {} });
    assert.throws(() => decryptString(retired.ring, old), /not configured/);
  });

  it('reports a corrupt key file clearly', async () => {
    await writeFile(join(dataDir, KEY_FILE_NAME), '{"primary": "x", "keys": []}', { mode: 0o600 });
    await assert.rejects(loadKeyRing({ dataDir, env: {} }), /primary key "x" is not in "keys"/);
    await writeFile(join(dataDir, KEY_FILE_NAME), 'not json', { mode: 0o600 });
    await assert.rejects(loadKeyRing({ dataDir, env: {} }), /not a valid key file/);
    assert.ok(
      (await readFile(join(dataDir, KEY_FILE_NAME), 'utf8')).includes('not json'),
      'a corrupt file is never overwritten',
    );
  });
});
