import { createHash } from 'node:crypto';
import { StrataError } from '@strata/api';

export const KEY_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9_-]{1,64}$/;

export interface EncryptionKey {
  /** Stored with every ciphertext; [A-Za-z0-9_-], at most 64 chars. */
  readonly id: string;
  /** 32 bytes (AES-256). */
  readonly key: Buffer;
}

/** The keys this process knows. Encrypt with the primary; decrypt with whichever key a ciphertext names. */
export class KeyRing {
  readonly primary: EncryptionKey;
  readonly #keys: ReadonlyMap<string, EncryptionKey>;

  /** keys[0] is the primary. */
  constructor(keys: readonly EncryptionKey[]) {
    const [primary] = keys;
    if (!primary) throw keyError('the key ring is empty');
    const byId = new Map<string, EncryptionKey>();
    for (const k of keys) {
      if (!KEY_ID.test(k.id)) throw keyError(`key id "${k.id}" must match ${KEY_ID.source}`);
      if (k.key.length !== KEY_BYTES)
        throw keyError(`key "${k.id}" must be ${KEY_BYTES} bytes, got ${k.key.length}`);
      if (byId.has(k.id)) throw keyError(`duplicate key id "${k.id}"`);
      byId.set(k.id, k);
    }
    this.primary = primary;
    this.#keys = byId;
  }

  get(id: string): EncryptionKey | undefined {
    return this.#keys.get(id);
  }

  get ids(): string[] {
    return [...this.#keys.keys()];
  }
}

/** A stable id for a key given without one (STRATA_ENCRYPTION_KEY): `k-` + 8 hex chars of its SHA-256. */
export function fingerprintKeyId(key: Buffer): string {
  return `k-${createHash('sha256').update(key).digest('hex').slice(0, 8)}`;
}

export function decodeKey(base64: string, where: string): Buffer {
  const key = Buffer.from(base64.trim(), 'base64');
  if (key.length !== KEY_BYTES)
    throw keyError(`${where}: expected base64 of ${KEY_BYTES} bytes, got ${key.length} bytes`);
  return key;
}

/**
 * Keys from the environment, or undefined when neither variable is set.
 * - STRATA_ENCRYPTION_KEYS=id1:base64,id2:base64 (the first is the primary)
 * - STRATA_ENCRYPTION_KEY=base64 (one key; its id is derived from the key)
 */
export function keyRingFromEnv(env: NodeJS.ProcessEnv = process.env): KeyRing | undefined {
  const many = env.STRATA_ENCRYPTION_KEYS?.trim();
  if (many) {
    const keys = many.split(',').map((entry, i) => {
      const sep = entry.indexOf(':');
      if (sep <= 0) throw keyError(`STRATA_ENCRYPTION_KEYS entry ${i + 1} must be id:base64`);
      return {
        id: entry.slice(0, sep).trim(),
        key: decodeKey(entry.slice(sep + 1), `STRATA_ENCRYPTION_KEYS entry ${i + 1}`),
      };
    });
    return new KeyRing(keys);
  }
  const one = env.STRATA_ENCRYPTION_KEY?.trim();
  if (one) {
    const key = decodeKey(one, 'STRATA_ENCRYPTION_KEY');
    return new KeyRing([{ id: fingerprintKeyId(key), key }]);
  }
  return undefined;
}

export function keyError(message: string): StrataError {
  return new StrataError('STRATA_INTERNAL', `encryption keys: ${message}`);
}
