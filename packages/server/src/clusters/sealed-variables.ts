/**
 * Sensitive cluster variables (declared `type: secret` or `sensitive: true` by the attached profile) are sealed in
 * place (docs/decisions/0004-sealed-variables.md): stored as `{"$sealed": "<ciphertext>"}` at
 * `spec.profiles[i].variables[NAME]`, read back as `********`, and `********` written back means "the stored value".
 * Only the server reveals them, to resolve the stack the agent gets. Pure, but for the cipher.
 */
import type { ClusterSpec, Issue } from '@strata/api';
import { MASK } from '@strata/core';
import { isPlainObject } from '../resources/merge-patch.js';
import type { SecretCipher } from '../resources/secret-fields.js';

export const SEALED_KEY = '$sealed';

type Sealed = { [SEALED_KEY]: string };
type Variables = Record<string, unknown>;

export function isSealed(value: unknown): value is Sealed {
  return isPlainObject(value) && typeof value[SEALED_KEY] === 'string' && Object.keys(value).length === 1;
}

const attachments = (spec: Record<string, unknown>): { name?: unknown; variables?: unknown }[] =>
  Array.isArray(spec.profiles) ? (spec.profiles as { name?: unknown; variables?: unknown }[]) : [];

/** The stored variables of the attachment of profile `name` (sealed as stored). */
function storedVariables(stored: Record<string, unknown> | undefined, name: unknown): Variables {
  const found = attachments(stored ?? {}).find((p) => p.name === name);
  return isPlainObject(found?.variables) ? found.variables : {};
}

/** Maps every attachment's variables; the rest of the spec is kept as it is. */
function mapVariables(
  spec: Record<string, unknown>,
  f: (variables: Variables, profile: unknown, index: number) => Variables,
): Record<string, unknown> {
  if (!Array.isArray(spec.profiles)) return spec;
  return {
    ...spec,
    profiles: attachments(spec).map((p, i) =>
      isPlainObject(p) && isPlainObject(p.variables) ? { ...p, variables: f(p.variables, p.name, i) } : p,
    ),
  };
}

/** What readers see: every sealed value is `********`. */
export function maskSealedVariables(spec: Record<string, unknown>): Record<string, unknown> {
  const anySealed = attachments(spec).some(
    (p) => isPlainObject(p.variables) && Object.values(p.variables).some(isSealed),
  );
  if (!anySealed) return spec;
  return mapVariables(spec, (vars) =>
    Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, isSealed(v) ? MASK : v])),
  );
}

/** A spec as stored with its sealed values decrypted (for resolving the stack; never for responses). */
export function revealStoredVariables(spec: ClusterSpec, cipher: SecretCipher): ClusterSpec {
  return mapVariables(spec, (vars) =>
    Object.fromEntries(
      Object.entries(vars).map(([k, v]) => [
        k,
        isSealed(v) ? (JSON.parse(cipher.decrypt(v.$sealed)) as unknown) : v,
      ]),
    ),
  ) as unknown as ClusterSpec;
}

/**
 * A spec as a client gave it, made resolvable: `********` stands for the stored value of that variable (revealed);
 * a client cannot send sealed values (they would decrypt someone else's secret into this cluster) nor `********` for
 * a variable that has no stored value. Issues point at the variable.
 */
export function revealGivenVariables(
  given: ClusterSpec,
  stored: Record<string, unknown> | undefined,
  cipher: SecretCipher,
): { spec: ClusterSpec; issues: Issue[] } {
  const issues: Issue[] = [];
  const spec = mapVariables(given, (vars, profile, i) =>
    Object.fromEntries(
      Object.entries(vars).map(([k, v]) => {
        const path = `/spec/profiles/${i}/variables/${k}`;
        if (isSealed(v)) {
          issues.push({
            path,
            message: 'sealed values are the server’s own; give the value, or ******** to keep it',
          });
          return [k, v];
        }
        if (v !== MASK) return [k, v];
        const previous = storedVariables(stored, profile)[k];
        if (isSealed(previous)) return [k, JSON.parse(cipher.decrypt(previous.$sealed)) as unknown];
        if (previous === MASK || previous === undefined)
          issues.push({
            path,
            message: `******** stands for the stored value, but variable ${k} has none; give the value`,
          });
        return [k, previous ?? v];
      }),
    ),
  ) as unknown as ClusterSpec;
  return { spec, issues };
}

/**
 * The spec to store: values of the sensitive variables (`sensitive(profile)` names them) sealed; `********` keeps
 * the stored ciphertext, and so does a value equal to the stored one (the spec, and its generation, stay the same).
 */
export function sealVariables(
  given: Record<string, unknown>,
  stored: Record<string, unknown> | undefined,
  sensitive: (profile: unknown) => readonly string[],
  cipher: SecretCipher,
): Record<string, unknown> {
  return mapVariables(given, (vars, profile) => {
    const secret = new Set(sensitive(profile));
    if (secret.size === 0) return vars;
    const before = storedVariables(stored, profile);
    return Object.fromEntries(
      Object.entries(vars).map(([k, v]) => {
        if (!secret.has(k) || isSealed(v)) return [k, v];
        const previous = before[k];
        if (v === MASK && isSealed(previous)) return [k, previous];
        // `********` for a value stored in clear (before sealing existed) seals that value.
        const plaintext = JSON.stringify(v === MASK && previous !== undefined ? previous : v);
        if (isSealed(previous) && safeDecrypt(cipher, previous.$sealed) === plaintext) return [k, previous];
        return [k, { [SEALED_KEY]: cipher.encrypt(plaintext) }];
      }),
    );
  });
}

export function safeDecrypt(cipher: SecretCipher, ciphertext: string): string | undefined {
  try {
    return cipher.decrypt(ciphertext);
  } catch {
    return undefined;
  }
}
