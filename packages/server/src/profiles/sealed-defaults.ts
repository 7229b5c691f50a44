/**
 * The default of a sensitive profile variable (`sensitive: true`) is sealed in place, like a cluster's sensitive
 * variables (docs/decisions/0004-sealed-variables.md): stored as `{"$sealed": "<ciphertext>"}` at
 * `spec.variables[i].default`, read back as `********`, and `********` written back means "the stored default". Only
 * the server reveals it, to validate and resolve profiles.
 */
import type { Issue, Resource } from '@strata/api';
import { MASK } from '@strata/core';
import type { ResourceRepository } from '@strata/store';
import { isSealed, safeDecrypt, SEALED_KEY } from '../clusters/sealed-variables.js';
import { isPlainObject } from '../resources/merge-patch.js';
import type { SecretCipher } from '../resources/secret-fields.js';

type Variable = Record<string, unknown>;

function mapVariables(
  spec: Record<string, unknown>,
  f: (variable: Variable, index: number) => Variable,
): Record<string, unknown> {
  if (!Array.isArray(spec.variables)) return spec;
  return { ...spec, variables: spec.variables.map((v, i) => (isPlainObject(v) ? f(v, i) : (v as unknown))) };
}

function storedDefault(stored: Record<string, unknown> | undefined, name: unknown): unknown {
  const variables = Array.isArray(stored?.variables) ? stored.variables : [];
  const found: unknown = variables.find((v) => isPlainObject(v) && v.name === name);
  return isPlainObject(found) ? found.default : undefined;
}

const reveal = (cipher: SecretCipher, sealed: { [SEALED_KEY]: string }) =>
  JSON.parse(cipher.decrypt(sealed[SEALED_KEY])) as unknown;

/** What readers see: every sealed default is `********`. */
export function maskSealedDefaults(spec: Record<string, unknown>): Record<string, unknown> {
  const anySealed =
    Array.isArray(spec.variables) && spec.variables.some((v) => isPlainObject(v) && isSealed(v.default));
  if (!anySealed) return spec;
  return mapVariables(spec, (v) => (isSealed(v.default) ? { ...v, default: MASK } : v));
}

/** A stored spec with its sealed defaults decrypted (to validate and resolve; never for responses). */
export function revealStoredDefaults(
  spec: Record<string, unknown>,
  cipher: SecretCipher,
): Record<string, unknown> {
  return mapVariables(spec, (v) => (isSealed(v.default) ? { ...v, default: reveal(cipher, v.default) } : v));
}

/** The stored profile version behind a redacted one, with its sealed defaults revealed. */
export async function revealedProfile(
  store: ResourceRepository,
  cipher: SecretCipher,
  redacted: Resource,
): Promise<Resource> {
  const { tenant, project, name } = redacted.metadata;
  const key = {
    kind: 'ClusterProfile',
    tenant,
    project: project ?? '',
    name,
    version: String(redacted.spec.version),
  };
  const stored = (await store.get({ tenant, projects: '*' }, key)) ?? redacted;
  return { ...stored, spec: revealStoredDefaults(stored.spec, cipher) };
}

/**
 * A spec as a client gave it, made checkable: a `********` default stands for the stored default (revealed); a client
 * cannot send sealed values, nor `********` for a default that was never stored. Issues point at the default.
 */
export function revealGivenDefaults(
  given: Record<string, unknown>,
  stored: Record<string, unknown> | undefined,
  cipher: SecretCipher,
): { spec: Record<string, unknown>; issues: Issue[] } {
  const issues: Issue[] = [];
  const spec = mapVariables(given, (v, i) => {
    const path = `/spec/variables/${i}/default`;
    if (isSealed(v.default)) {
      issues.push({
        path,
        message: 'sealed values are the server’s own; give the default, or ******** to keep it',
      });
      return v;
    }
    if (v.default !== MASK) return v;
    const previous = storedDefault(stored, v.name);
    if (isSealed(previous)) return { ...v, default: reveal(cipher, previous) };
    if (previous === undefined || previous === MASK)
      issues.push({
        path,
        message: `******** stands for the stored default, but variable ${String(v.name)} has none`,
      });
    return previous === undefined ? v : { ...v, default: previous };
  });
  return { spec, issues };
}

/**
 * The spec to store: defaults of sensitive variables sealed. `********` keeps the stored ciphertext, and so does a
 * default equal to the stored one (the spec and its generation stay the same).
 */
export function sealDefaults(
  given: Record<string, unknown>,
  stored: Record<string, unknown> | undefined,
  cipher: SecretCipher,
): Record<string, unknown> {
  return mapVariables(given, (v) => {
    if (v.sensitive !== true || v.default === undefined || isSealed(v.default)) return v;
    const previous = storedDefault(stored, v.name);
    if (v.default === MASK && isSealed(previous)) return { ...v, default: previous };
    const plaintext = JSON.stringify(v.default === MASK && previous !== undefined ? previous : v.default);
    if (isSealed(previous) && safeDecrypt(cipher, previous[SEALED_KEY]) === plaintext)
      return { ...v, default: previous };
    return { ...v, default: { [SEALED_KEY]: cipher.encrypt(plaintext) } };
  });
}
