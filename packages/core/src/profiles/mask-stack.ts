import { isPlainObject, type JsonValue } from '../util/json.js';
import type { ResolvedStack } from './resolved-stack.js';

export const MASK = '********';

/** Replaces every occurrence of a secret in the strings of a JSON value; undefined when there is nothing to mask. */
function masker(secrets: readonly string[]): ((v: JsonValue) => JsonValue) | undefined {
  // Longest first, so a secret that contains another is masked whole.
  const needles = [...new Set(secrets.filter((s) => typeof s === 'string' && s.length > 0))].sort(
    (a, b) => b.length - a.length,
  );
  if (needles.length === 0) return undefined;
  const mask = (v: JsonValue): JsonValue => {
    if (typeof v === 'string') return needles.reduce((s, n) => s.split(n).join(MASK), v);
    if (Array.isArray(v)) return v.map(mask);
    if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mask(x)]));
    return v;
  };
  return mask;
}

/**
 * A copy of any JSON value (a plan, a drift report, an adoption preview) with every occurrence of a secret value in
 * its strings replaced by `********`. The same value when there are no secrets.
 */
export function maskJson<T>(value: T, secrets: readonly string[]): T {
  const mask = masker(secrets);
  return mask ? (mask(value as JsonValue) as T) : value;
}

/**
 * A copy of a resolved stack for API responses and logs: every occurrence of a secret value inside values, objects
 * and Helm values is replaced by `********`. Hashes stay those of the real content (they reveal nothing useful).
 * `secrets` are the values of sensitive variables (see `stack.sensitive` for where they are used).
 */
export function maskStack(stack: ResolvedStack, secrets: readonly string[]): ResolvedStack {
  const mask = masker(secrets);
  if (!mask) return stack;
  return {
    ...stack,
    layers: stack.layers.map((l) => ({
      ...l,
      values: mask(l.values) as typeof l.values,
      manifests: l.manifests.map((m) => mask(m) as typeof m),
      ...(l.helm ? { helm: { ...l.helm, values: mask(l.helm.values) as typeof l.helm.values } } : {}),
    })),
  };
}
