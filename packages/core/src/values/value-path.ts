import { isPlainObject, type JsonObject, type JsonValue } from '../util/json.js';

/**
 * Splits a dotted value path (`controller.service.type`) into keys. A key containing dots is written in brackets with
 * quotes: `podAnnotations["prometheus.io/scrape"]`.
 */
export function splitValuePath(path: string): string[] {
  const keys: string[] = [];
  const re = /([^.[\]]+)|\["((?:[^"\\]|\\.)*)"\]/g;
  for (const m of path.matchAll(re)) keys.push(m[1] ?? (m[2] ?? '').replace(/\\(.)/g, '$1'));
  return keys;
}

/** Reads a value at a dotted path; undefined when any step is missing. */
export function getValueAt(values: JsonValue, path: string | readonly string[]): JsonValue | undefined {
  let cur: JsonValue | undefined = values;
  for (const key of typeof path === 'string' ? splitValuePath(path) : path) {
    if (!isPlainObject(cur) || !Object.hasOwn(cur, key)) return undefined;
    cur = cur[key];
  }
  return cur;
}

/** Returns a copy of `values` without the value at `path` (no-op when absent). */
export function removeValueAt(values: JsonObject, path: string | readonly string[]): JsonObject {
  const keys = typeof path === 'string' ? splitValuePath(path) : [...path];
  if (keys.length === 0) return values;
  const [head, ...rest] = keys as [string, ...string[]];
  if (!Object.hasOwn(values, head)) return values;
  const out: JsonObject = { ...values };
  if (rest.length === 0) {
    delete out[head];
    return out;
  }
  const child = values[head];
  if (isPlainObject(child)) out[head] = removeValueAt(child, rest);
  return out;
}
