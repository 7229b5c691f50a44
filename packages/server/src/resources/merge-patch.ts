import { StrataError } from '@strata/api';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_DEPTH = 64;

/**
 * RFC 7396 JSON Merge Patch: objects merge recursively, everything else replaces, null deletes. Pure. Refuses keys
 * that could reach an object's prototype and patches nested deeper than 64 levels.
 */
export function applyMergePatch(target: unknown, patch: unknown, depth = 0): unknown {
  if (!isPlainObject(patch)) return patch;
  if (depth > MAX_DEPTH)
    throw new StrataError(
      'STRATA_BAD_REQUEST',
      `a merge patch may be nested at most ${MAX_DEPTH} levels deep`,
    );
  const result: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const key of Object.keys(patch)) {
    if (FORBIDDEN_KEYS.has(key))
      throw new StrataError('STRATA_BAD_REQUEST', `a merge patch may not contain the key "${key}"`);
    const value = patch[key];
    if (value === null) delete result[key];
    else
      Object.defineProperty(result, key, {
        value: applyMergePatch(result[key], value, depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
  return result;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
