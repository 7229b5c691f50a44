import type { KindDefinition } from '@strata/api';
import { hashPassword, verifyPassword } from '../auth/passwords.js';
import { maskSealedVariables } from '../clusters/sealed-variables.js';
import { maskSealedDefaults } from '../profiles/sealed-defaults.js';

/** Encrypts and decrypts secret values at rest (implemented by the store's key ring). */
export interface SecretCipher {
  encrypt(plaintext: string): string;
  decrypt(ciphertext: string): string;
}

/** Status fields that are platform-internal and never returned (hashes of credentials). */
const HIDDEN_STATUS_FIELDS: Record<string, readonly string[]> = { ApiKey: ['keyHash'] };

/** Values a kind seals in place (not whole fields), shown masked: sensitive cluster variables and profile defaults. */
const SEALED_IN_PLACE: Record<string, (spec: Record<string, unknown>) => Record<string, unknown>> = {
  Cluster: maskSealedVariables,
  ClusterProfile: maskSealedDefaults,
};

function field(pointer: string): string {
  return pointer.replace(/^\//, '');
}

/**
 * Turns the secret fields of a spec into what is stored: hashed (passwords) or encrypted (everything else).
 * A secret field the caller left out keeps its stored value, so `apply` of a manifest without the secret does not
 * erase it; a secret sent again unchanged keeps its stored hash or ciphertext, so the spec (and generation) stay
 * the same.
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
    const previous = stored?.[name];
    if (value === undefined) {
      if (previous !== undefined) out[name] = previous;
      continue;
    }
    if (kind.hashedFields?.includes(pointer)) {
      const password = typeof value === 'string' ? value : JSON.stringify(value);
      const same = typeof previous === 'string' && (await verifyPassword(previous, password));
      out[name] = same ? previous : await hashPassword(password);
      continue;
    }
    const plaintext = JSON.stringify(value);
    out[name] =
      typeof previous === 'string' && safeDecrypt(cipher, previous) === plaintext
        ? previous
        : cipher.encrypt(plaintext);
  }
  return out;
}

function safeDecrypt(cipher: SecretCipher, ciphertext: string): string | undefined {
  try {
    return cipher.decrypt(ciphertext);
  } catch {
    return undefined;
  }
}

/** Decrypts one encrypted secret field for platform-internal use (providers, agents). Never for API responses. */
export function revealSecret(cipher: SecretCipher, sealed: unknown): unknown {
  if (typeof sealed !== 'string') return undefined;
  return JSON.parse(cipher.decrypt(sealed)) as unknown;
}

/** What a reader sees: secret fields and hidden status fields removed; `status.secretFields` lists those that are set. */
export function redact<
  T extends { kind: string; spec: Record<string, unknown>; status: Record<string, unknown> },
>(kind: KindDefinition, object: T): T {
  const secrets = kind.secretFields ?? [];
  const hidden = HIDDEN_STATUS_FIELDS[kind.kind] ?? [];
  const sealed = SEALED_IN_PLACE[kind.kind];
  if (secrets.length === 0 && hidden.length === 0 && !sealed) return object;
  const spec = { ...(sealed ? sealed(object.spec) : object.spec) };
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
