import type { KindDefinition } from '@strata/api';
import { hashPassword } from '../auth/passwords.js';

/** Encrypts and decrypts secret values at rest (implemented by the store's key ring). */
export interface SecretCipher {
  encrypt(plaintext: string): string;
  decrypt(ciphertext: string): string;
}

/** Status fields that are platform-internal and never returned (hashes of credentials). */
const HIDDEN_STATUS_FIELDS: Record<string, readonly string[]> = { ApiKey: ['keyHash'] };

function field(pointer: string): string {
  return pointer.replace(/^\//, '');
}

/**
 * Turns the secret fields of a spec into what is stored: hashed (passwords) or encrypted (everything else).
 * A secret field the caller left out keeps its stored value, so `apply` of a manifest without the secret does not
 * erase it.
 */
export async function sealSecrets(options: {
  kind: KindDefinition;
  spec: Record<string, unknown>;
  stored?: Record<string, unknown> | undefined;
  cipher: SecretCipher;
}): Promise<Record<string, unknown>> {
  const { kind, spec, stored, cipher } = options;
  const out = { ...spec };
  for (const pointer of kind.secretFields ?? []) {
    const name = field(pointer);
    const value = spec[name];
    if (value === undefined) {
      if (stored && stored[name] !== undefined) out[name] = stored[name];
      continue;
    }
    out[name] = kind.hashedFields?.includes(pointer)
      ? await hashPassword(String(value))
      : cipher.encrypt(JSON.stringify(value));
  }
  return out;
}

/** Decrypts one encrypted secret field for platform-internal use (providers, agents). Never for API responses. */
export function revealSecret(cipher: SecretCipher, sealed: unknown): unknown {
  if (typeof sealed !== 'string') return undefined;
  return JSON.parse(cipher.decrypt(sealed)) as unknown;
}

/** What a reader sees: secret fields and hidden status fields removed; `status.secretFields` lists those that are set. */
export function redact<T extends { kind: string; spec: Record<string, unknown>; status: Record<string, unknown> }>(
  kind: KindDefinition,
  object: T,
): T {
  const secrets = kind.secretFields ?? [];
  const hidden = HIDDEN_STATUS_FIELDS[kind.kind] ?? [];
  if (secrets.length === 0 && hidden.length === 0) return object;
  const spec = { ...object.spec };
  const set: string[] = [];
  for (const pointer of secrets) {
    const name = field(pointer);
    if (spec[name] !== undefined) set.push(`/spec${pointer}`);
    delete spec[name];
  }
  const status = { ...object.status };
  for (const name of hidden) delete status[name];
  if (set.length > 0) status.secretFieldsSet = set;
  return { ...object, spec, status };
}
