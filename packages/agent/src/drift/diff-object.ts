/**
 * Compares a live object with its desired manifest over the fields the manifest sets, and nothing else: fields the
 * API server defaults, status, and fields other managers own are not drift. Pure.
 *
 * `shape` is the desired manifest (it decides which paths count and what is shown as desired); `want` is what each
 * of those paths should hold. Usually `want` is the manifest itself; to rule out false positives the caller passes
 * the server-side-apply dry-run of the manifest instead, whose values are normalised the way the API server
 * stores them (quantities, defaulted list entries, webhook mutations).
 */
import { isPlainObject, pointer, type JsonValue } from '@strata/core';

export interface FieldDiff {
  /** JSON pointer into the live object. */
  path: string;
  desired: JsonValue | undefined;
  live: JsonValue | undefined;
}

/** Paths the API server owns; a manifest that sets them (Helm's `creationTimestamp: null`) does not own them. */
const IGNORED = new Set([
  '/status',
  '/metadata/creationTimestamp',
  '/metadata/resourceVersion',
  '/metadata/uid',
  '/metadata/generation',
  '/metadata/managedFields',
  '/metadata/selfLink',
  '/metadata/deletionTimestamp',
]);

/** Keys that identify the items of the associative lists in Kubernetes objects, in order of preference. */
const LIST_KEYS = ['name', 'containerPort', 'mountPath', 'devicePath', 'port', 'ip', 'topologyKey'];

function listKey(items: readonly JsonValue[]): string | undefined {
  if (items.length === 0 || !items.every(isPlainObject)) return undefined;
  return LIST_KEYS.find((k) =>
    items.every((i) => isPlainObject(i) && i[k] !== undefined && typeof i[k] !== 'object'),
  );
}

function deepEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return false;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  const ao = a as Record<string, JsonValue>;
  const bo = b as Record<string, JsonValue>;
  const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
  for (const k of keys) if (!deepEqual(ao[k], bo[k])) return false;
  return true;
}

/**
 * The differences between `live` and the desired manifest `shape`. Without `normalized` the manifest's own values are
 * expected; with it (the dry-run result), the normalised values are, and a manifest field the API server does not
 * store (a Secret's `stringData`) is expected to be absent.
 */
export function diffObject(
  shape: JsonValue,
  live: JsonValue | undefined,
  normalized?: JsonValue,
): FieldDiff[] {
  const out: FieldDiff[] = [];
  walk(shape, normalized === undefined ? shape : normalized, live, '', '', out);
  return out;
}

/** `path` points into live (list indices follow live); `ignoreKey` is the same path with list indices left out. */
function walk(
  shape: JsonValue,
  want: JsonValue | undefined,
  live: JsonValue | undefined,
  path: string,
  ignoreKey: string,
  out: FieldDiff[],
): void {
  if (IGNORED.has(ignoreKey)) return;
  if (isPlainObject(shape)) {
    if (live !== undefined && live !== null && !isPlainObject(live)) {
      out.push({ path, desired: shape, live });
      return;
    }
    const wantObj = isPlainObject(want) ? want : undefined;
    const liveObj = isPlainObject(live) ? live : undefined;
    for (const [k, v] of Object.entries(shape))
      walk(v, wantObj?.[k], liveObj?.[k], pointer(path, k), pointer(ignoreKey, k), out);
    return;
  }
  if (Array.isArray(shape)) {
    const wantList = Array.isArray(want) ? want : [];
    const liveList = Array.isArray(live) ? live : [];
    const key = listKey(shape);
    if (key && liveList.length > 0) {
      // Associative list: items matched by key; items others added (sidecars, extra env) are theirs, not drift.
      shape.forEach((item, i) => {
        const k = (item as Record<string, JsonValue>)[key];
        const w = wantList.find((x) => isPlainObject(x) && x[key] === k);
        if (w === undefined) return; // the API server would not keep this item either
        const li = liveList.findIndex((x) => isPlainObject(x) && x[key] === k);
        if (li < 0) out.push({ path: pointer(path, i), desired: item, live: undefined });
        else walk(item, w, liveList[li], pointer(path, li), ignoreKey, out);
      });
      return;
    }
    // Atomic list (or nothing live): same length, and each item matches over the manifest's fields.
    if (wantList.length !== liveList.length) {
      out.push({ path, desired: shape, live });
      return;
    }
    shape.forEach((item, i) => walk(item, wantList[i], liveList[i], pointer(path, i), ignoreKey, out));
    return;
  }
  // A scalar, or null: the manifest asks for the field to be absent.
  if (!deepEqual(want ?? null, live ?? null)) out.push({ path, desired: shape, live });
}
