import { isPlainObject, type JsonValue } from '../util/json.js';
import type { ResolvedStack } from './resolved-stack.js';

export const MASK = '********';

/**
 * A copy of a resolved stack for API responses and logs: every occurrence of a secret value inside values, objects
 * and Helm values is replaced by `********`. Hashes stay those of the real content (they reveal nothing useful).
 * `secrets` are the values of sensitive variables (see `stack.sensitive` for where they are used).
 */
export function maskStack(stack: ResolvedStack, secrets: readonly string[]): ResolvedStack {
  const needles = [...new Set(secrets.filter((s) => typeof s === 'string' && s.length > 0))].sort(
    (a, b) => b.length - a.length,
  );
  if (needles.length === 0) return stack;
  const mask = (v: JsonValue): JsonValue => {
    if (typeof v === 'string') return needles.reduce((s, n) => s.split(n).join(MASK), v);
    if (Array.isArray(v)) return v.map(mask);
    if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mask(x)]));
    return v;
  };
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
