import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { StrataError } from '@strata/api';
import type { KeyRing } from './key-ring.js';

export const CIPHERTEXT_PREFIX = 'enc:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM with a random 12-byte IV. Output: `enc:v1:<keyId>:<iv>:<ciphertext+tag>` (base64url), so any
 * key in the ring can decrypt it after the primary changes. The prefix and key id are authenticated too.
 * `context` (e.g. the object uid and field) is optional extra authenticated data: the same context must be
 * given to decrypt, so a ciphertext cannot be moved to another object or field.
 */
export function encryptString(ring: KeyRing, plaintext: string, context = ''): string {
  const { id, key } = ring.primary;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad(id, context));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${CIPHERTEXT_PREFIX}${id}:${iv.toString('base64url')}:${body.toString('base64url')}`;
}

export function decryptString(ring: KeyRing, ciphertext: string, context = ''): string {
  const parsed = parseCiphertext(ciphertext);
  const entry = ring.get(parsed.keyId);
  if (!entry) {
    throw new StrataError(
      'STRATA_INTERNAL',
      `cannot decrypt a secret: it was encrypted with key "${parsed.keyId}", which is not configured (known keys: ${ring.ids.join(', ')})`,
    );
  }
  const decipher = createDecipheriv('aes-256-gcm', entry.key, parsed.iv);
  decipher.setAAD(aad(parsed.keyId, context));
  decipher.setAuthTag(parsed.tag);
  try {
    return Buffer.concat([decipher.update(parsed.body), decipher.final()]).toString('utf8');
  } catch (err) {
    throw new StrataError(
      'STRATA_INTERNAL',
      `cannot decrypt a secret with key "${parsed.keyId}": authentication failed (tampered data, wrong key or wrong context)`,
      [],
      {
        cause: err,
      },
    );
  }
}

export function isCiphertext(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(CIPHERTEXT_PREFIX);
}

/** The key id a ciphertext was made with (to find values that need re-encryption after rotation). */
export function ciphertextKeyId(ciphertext: string): string {
  return parseCiphertext(ciphertext).keyId;
}

function aad(keyId: string, context: string): Buffer {
  return Buffer.from(`${CIPHERTEXT_PREFIX}${keyId}:${context}`, 'utf8');
}

function parseCiphertext(text: string): { keyId: string; iv: Buffer; tag: Buffer; body: Buffer } {
  const malformed = () =>
    new StrataError(
      'STRATA_INTERNAL',
      'cannot decrypt a secret: the stored value is not a valid enc:v1 ciphertext',
    );
  if (!text.startsWith(CIPHERTEXT_PREFIX)) throw malformed();
  const parts = text.slice(CIPHERTEXT_PREFIX.length).split(':');
  if (parts.length !== 3) throw malformed();
  const [keyId = '', ivText = '', bodyText = ''] = parts;
  const iv = Buffer.from(ivText, 'base64url');
  const sealed = Buffer.from(bodyText, 'base64url');
  if (keyId === '' || iv.length !== IV_BYTES || sealed.length < TAG_BYTES) throw malformed();
  return {
    keyId,
    iv,
    tag: sealed.subarray(sealed.length - TAG_BYTES),
    body: sealed.subarray(0, sealed.length - TAG_BYTES),
  };
}
