import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { StrataError } from '@strata/api';
import { ciphertextKeyId, decryptString, encryptString, isCiphertext } from './cipher.js';
import { KeyRing } from './key-ring.js';

const k1 = { id: 'k1', key: randomBytes(32) };
const k2 = { id: 'k2', key: randomBytes(32) };

function rejectsClearly(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => err instanceof StrataError && pattern.test(err.message));
}

describe('AES-256-GCM cipher', () => {
  it('round-trips text and is self-describing', () => {
    const ring = new KeyRing([k1]);
    const sealed = encryptString(ring, 'hunter2 ✓');
    assert.match(sealed, /^enc:v1:k1:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]+$/);
    assert.ok(isCiphertext(sealed));
    assert.equal(ciphertextKeyId(sealed), 'k1');
    assert.equal(decryptString(ring, sealed), 'hunter2 ✓');
  });

  it('uses a fresh IV every time', () => {
    const ring = new KeyRing([k1]);
    assert.notEqual(encryptString(ring, 'same'), encryptString(ring, 'same'));
  });

  it('detects tampering with the ciphertext, the tag, the IV or the key id', () => {
    const ring = new KeyRing([k1, { id: 'k1b', key: k1.key }]);
    const sealed = encryptString(ring, 'secret value');
    const [prefix, version, id, iv = '', body = ''] = sealed.split(':');
    const flip = (s: string, at: number) => s.slice(0, at) + (s[at] === 'A' ? 'B' : 'A') + s.slice(at + 1);
    const variants = [
      [prefix, version, id, iv, flip(body, 2)],
      [prefix, version, id, iv, flip(body, body.length - 2)],
      [prefix, version, id, flip(iv, 3), body],
      [prefix, version, 'k1b', iv, body],
    ];
    for (const parts of variants)
      rejectsClearly(() => decryptString(ring, parts.join(':')), /authentication failed/);
  });

  it('binds the context: a ciphertext cannot move to another field', () => {
    const ring = new KeyRing([k1]);
    const sealed = encryptString(ring, 'v', 'Cluster/a#/token');
    assert.equal(decryptString(ring, sealed, 'Cluster/a#/token'), 'v');
    rejectsClearly(() => decryptString(ring, sealed, 'Cluster/b#/token'), /authentication failed/);
  });

  it('rotates: old ciphertexts decrypt after a new primary is added; new ones use the primary', () => {
    const old = encryptString(new KeyRing([k1]), 'before rotation');
    const rotated = new KeyRing([k2, k1]);
    assert.equal(decryptString(rotated, old), 'before rotation');
    assert.equal(ciphertextKeyId(encryptString(rotated, 'after')), 'k2');
  });

  it('explains a missing key and a wrong key', () => {
    const sealed = encryptString(new KeyRing([k1]), 'x');
    rejectsClearly(
      () => decryptString(new KeyRing([k2]), sealed),
      /key "k1", which is not configured \(known keys: k2\)/,
    );
    rejectsClearly(
      () => decryptString(new KeyRing([{ id: 'k1', key: randomBytes(32) }]), sealed),
      /authentication failed/,
    );
    rejectsClearly(
      () => decryptString(new KeyRing([k1]), 'enc:v1:k1:short'),
      /not a valid enc:v1 ciphertext/,
    );
  });

  it('validates keys', () => {
    assert.throws(() => new KeyRing([]), /empty/);
    assert.throws(() => new KeyRing([{ id: 'k:1', key: randomBytes(32) }]), /key id/);
    assert.throws(() => new KeyRing([{ id: 'k', key: randomBytes(16) }]), /32 bytes/);
    assert.throws(() => new KeyRing([k1, { ...k2, id: 'k1' }]), /duplicate/);
  });
});
