import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { CloudAccountKind, UserKind } from '@strata/api';
import { ciphertextKeyId, isCiphertext } from './cipher.js';
import { KeyRing } from './key-ring.js';
import {
  decryptSecretFields,
  encryptedFieldsOf,
  encryptSecretFields,
  redactSecretFields,
  reencryptSecretFields,
} from './secret-fields.js';

const ring = new KeyRing([{ id: 'k1', key: randomBytes(32) }]);
const kind = { secretFields: ['/credentials', '/auth/token', '/password'], hashedFields: ['/password'] };

describe('secret fields', () => {
  it('encrypts secretFields minus hashedFields, using the kinds registry', () => {
    assert.deepEqual(encryptedFieldsOf(CloudAccountKind), ['/credentials']);
    assert.deepEqual(encryptedFieldsOf(UserKind), []);
    assert.deepEqual(encryptedFieldsOf(kind), ['/credentials', '/auth/token']);
  });

  it('encrypts present fields of any JSON type, leaves others alone, and decrypts back', () => {
    const spec = {
      provider: 'aws',
      credentials: { accessKeyId: 'AKIA', secret: 's3cr3t' },
      auth: { token: 'tok' },
      password: '$argon2id$...',
    };
    const sealed = encryptSecretFields(spec, kind, ring, { context: 't/p/CloudAccount/a' });
    assert.ok(isCiphertext(sealed.credentials));
    assert.ok(isCiphertext((sealed.auth as { token: unknown }).token));
    assert.equal(sealed.password, '$argon2id$...');
    assert.equal(sealed.provider, 'aws');
    assert.ok(!JSON.stringify(sealed).includes('s3cr3t'));
    assert.deepEqual(spec.credentials, { accessKeyId: 'AKIA', secret: 's3cr3t' }, 'input is not mutated');
    assert.deepEqual(
      encryptSecretFields(sealed, kind, ring, { context: 't/p/CloudAccount/a' }),
      sealed,
      'idempotent',
    );
    assert.deepEqual(decryptSecretFields(sealed, kind, ring, { context: 't/p/CloudAccount/a' }), spec);
    assert.throws(
      () => decryptSecretFields(sealed, kind, ring, { context: 't/p/CloudAccount/b' }),
      /authentication failed/,
    );
  });

  it('handles absent fields and missing parents', () => {
    assert.deepEqual(encryptSecretFields({ provider: 'x' }, kind, ring), { provider: 'x' });
    assert.deepEqual(redactSecretFields({ provider: 'x' }, kind), { provider: 'x' });
  });

  it('redacts every secret field for reads, hashed ones included', () => {
    const sealed = encryptSecretFields(
      { credentials: 'c', auth: { token: 't', other: 1 }, password: 'hash' },
      kind,
      ring,
    );
    assert.deepEqual(redactSecretFields(sealed, kind), {
      credentials: { set: true },
      auth: { token: { set: true }, other: 1 },
      password: { set: true },
    });
  });

  it('re-encrypts values of older keys with the primary', () => {
    const sealed = encryptSecretFields({ credentials: 'c' }, kind, ring);
    const rotated = new KeyRing([{ id: 'k2', key: randomBytes(32) }, ring.primary]);
    const first = reencryptSecretFields(sealed, kind, rotated);
    assert.equal(first.changed, true);
    assert.equal(ciphertextKeyId(first.spec.credentials as string), 'k2');
    assert.deepEqual(decryptSecretFields(first.spec, kind, rotated), { credentials: 'c' });
    assert.equal(reencryptSecretFields(first.spec, kind, rotated).changed, false);
  });
});
