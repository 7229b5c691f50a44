import { isPlainObject, type JsonObject, type JsonValue } from '../util/json.js';

/**
 * Merges value layers the way Helm does (RFC 7396 JSON Merge Patch): maps merge recursively, arrays and scalars
 * replace, a `null` in a later layer deletes the key. Inputs are not modified; the result shares no objects with them.
 * Layers that are not maps (null, undefined, scalars, arrays) are skipped.
 */
export function coalesceValues(...layers: (JsonValue | undefined)[]): JsonObject {
  let result: JsonObject = {};
  for (const layer of layers) {
    if (layer === undefined || layer === null) continue;
    if (!isPlainObject(layer)) continue;
    result = mergeInto(result, layer);
  }
  return result;
}

/** Applies one RFC 7396 merge patch to a value and returns the new value. */
export function mergePatch(target: JsonValue, patch: JsonValue): JsonValue {
  if (!isPlainObject(patch)) return clone(patch);
  return mergeInto(isPlainObject(target) ? target : {}, patch);
}

function mergeInto(target: JsonObject, patch: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const key of Object.keys(target)) {
    if (key in patch) continue;
    out[key] = clone(target[key] as JsonValue);
  }
  for (const key of Object.keys(patch)) {
    const p = patch[key] as JsonValue;
    if (p === null) continue;
    const t = target[key];
    out[key] =
      isPlainObject(p) && t !== undefined && isPlainObject(t)
        ? mergeInto(t, p)
        : isPlainObject(p)
          ? mergeInto({}, p)
          : clone(p);
  }
  // Keep the target's key order first, then new keys, like Helm's output does for a given input.
  const ordered: JsonObject = {};
  for (const key of Object.keys(target)) if (key in out) ordered[key] = out[key] as JsonValue;
  for (const key of Object.keys(out)) if (!(key in ordered)) ordered[key] = out[key] as JsonValue;
  return ordered;
}

function clone(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(clone);
  if (isPlainObject(value)) {
    const out: JsonObject = {};
    for (const key of Object.keys(value)) out[key] = clone(value[key] as JsonValue);
    return out;
  }
  return value;
}
