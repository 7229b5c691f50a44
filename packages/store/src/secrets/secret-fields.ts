import type { KindDefinition } from '@strata/api';
import { ciphertextKeyId, decryptString, encryptString, isCiphertext } from './cipher.js';
import { getPointer, hasPointer, setPointer } from './json-pointer.js';
import type { KeyRing } from './key-ring.js';

type Spec = Record<string, unknown>;
type SecretKind = Pick<KindDefinition, 'secretFields' | 'hashedFields'>;

/** What a read shows in place of a secret field that has a value. */
export const REDACTED = Object.freeze({ set: true as const });

export interface SecretFieldOptions {
  /** Extra authenticated context mixed with each field's pointer (e.g. tenant/project/kind/name). */
  context?: string;
}

/** The secret fields stored encrypted: `secretFields` minus `hashedFields` (those are hashed by the server). */
export function encryptedFieldsOf(kind: SecretKind): string[] {
  const hashed = new Set(kind.hashedFields ?? []);
  return (kind.secretFields ?? []).filter((p) => !hashed.has(p));
}

function fieldContext(pointer: string, options?: SecretFieldOptions): string {
  return `${options?.context ?? ''}#${pointer}`;
}

/** A copy of spec with every present encrypted field replaced by its ciphertext (already-encrypted values are kept). */
export function encryptSecretFields(
  spec: Spec,
  kind: SecretKind,
  ring: KeyRing,
  options?: SecretFieldOptions,
): Spec {
  const out = structuredClone(spec);
  for (const pointer of encryptedFieldsOf(kind)) {
    if (!hasPointer(out, pointer)) continue;
    const value = getPointer(out, pointer);
    if (isCiphertext(value)) continue;
    setPointer(out, pointer, encryptString(ring, JSON.stringify(value), fieldContext(pointer, options)));
  }
  return out;
}

/** A copy of spec with every encrypted field decrypted (for controllers that need the value). */
export function decryptSecretFields(
  spec: Spec,
  kind: SecretKind,
  ring: KeyRing,
  options?: SecretFieldOptions,
): Spec {
  const out = structuredClone(spec);
  for (const pointer of encryptedFieldsOf(kind)) {
    const value = getPointer(out, pointer);
    if (isCiphertext(value))
      setPointer(out, pointer, JSON.parse(decryptString(ring, value, fieldContext(pointer, options))));
  }
  return out;
}

/** A copy of spec for reads: every secret field (encrypted or hashed) that has a value becomes `{ "set": true }`. */
export function redactSecretFields(spec: Spec, kind: SecretKind): Spec {
  const out = structuredClone(spec);
  for (const pointer of kind.secretFields ?? []) {
    if (hasPointer(out, pointer)) setPointer(out, pointer, { ...REDACTED });
  }
  return out;
}

/**
 * Rotation: re-encrypts with the primary key every field encrypted with another key.
 * `changed` is false when nothing needed it (skip the write).
 */
export function reencryptSecretFields(
  spec: Spec,
  kind: SecretKind,
  ring: KeyRing,
  options?: SecretFieldOptions,
): { spec: Spec; changed: boolean } {
  const out = structuredClone(spec);
  let changed = false;
  for (const pointer of encryptedFieldsOf(kind)) {
    const value = getPointer(out, pointer);
    if (!isCiphertext(value) || ciphertextKeyId(value) === ring.primary.id) continue;
    const context = fieldContext(pointer, options);
    setPointer(out, pointer, encryptString(ring, decryptString(ring, value, context), context));
    changed = true;
  }
  return { spec: out, changed };
}
