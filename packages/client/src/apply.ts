import { isStrataError, type Resource, type ResourceInput } from '@strata/api';
import { deepEqual } from './deep-equal.js';
import type { ApplyResult, ItemOptions, WriteOptions } from './types.js';

/** What apply needs from the client; kept small so the decision logic reads on its own. */
export interface ApplyOperations<T extends Resource> {
  get(name: string, options: ItemOptions): Promise<T>;
  create(object: ResourceInput, options: WriteOptions): Promise<T>;
  update(object: ResourceInput, options: WriteOptions): Promise<T>;
}

const MAX_CONFLICT_RETRIES = 3;

/**
 * Create-or-update. Reads the object; creates it when missing; skips the write when spec, labels and
 * annotations already match; otherwise replaces it with the existing resourceVersion as precondition
 * (retrying on a concurrent change unless the caller gave its own resourceVersion).
 */
export async function applyObject<T extends Resource>(
  ops: ApplyOperations<T>,
  object: ResourceInput,
  options: WriteOptions,
): Promise<ApplyResult<T>> {
  const version = versionOf(object);
  const callerPrecondition = object.metadata.resourceVersion;
  for (let attempt = 0; ; attempt++) {
    const existing = await getIfExists(ops, object.metadata.name, { ...options, version });
    if (!existing) {
      const { resourceVersion: _rv, ...metadata } = object.metadata;
      return { action: 'created', object: await ops.create({ ...object, metadata }, options) };
    }
    if (sameDesiredState(object, existing)) return { action: 'unchanged', object: existing };
    const resourceVersion = callerPrecondition ?? existing.metadata.resourceVersion;
    try {
      // PUT replaces finalizers too: keep the ones controllers added unless the document lists its own.
      const finalizers = object.metadata.finalizers ?? existing.metadata.finalizers;
      const metadata = { ...object.metadata, resourceVersion, ...(finalizers ? { finalizers } : {}) };
      const updated = await ops.update({ ...object, metadata }, options);
      const unchanged =
        updated.metadata.generation === existing.metadata.generation && sameMetadata(existing, updated);
      return { action: unchanged ? 'unchanged' : 'configured', object: updated };
    } catch (err) {
      const retry =
        isStrataError(err) &&
        err.code === 'STRATA_CONFLICT' &&
        !callerPrecondition &&
        attempt < MAX_CONFLICT_RETRIES;
      if (!retry) throw err;
    }
  }
}

async function getIfExists<T extends Resource>(
  ops: ApplyOperations<T>,
  name: string,
  options: ItemOptions,
): Promise<T | undefined> {
  try {
    return await ops.get(name, options);
  } catch (err) {
    if (isStrataError(err) && err.code === 'STRATA_NOT_FOUND') return undefined;
    throw err;
  }
}

function versionOf(object: ResourceInput): string | undefined {
  const version = (object.spec as { version?: unknown } | undefined)?.version;
  return typeof version === 'string' ? version : undefined;
}

/** True when writing `desired` could not change `existing`: same spec, labels, annotations (and finalizers, if given). */
export function sameDesiredState(desired: ResourceInput, existing: Resource): boolean {
  return (
    deepEqual(desired.spec ?? {}, existing.spec ?? {}) &&
    deepEqual(desired.metadata.labels ?? {}, existing.metadata.labels ?? {}) &&
    deepEqual(desired.metadata.annotations ?? {}, existing.metadata.annotations ?? {}) &&
    (desired.metadata.finalizers === undefined ||
      deepEqual(desired.metadata.finalizers, existing.metadata.finalizers ?? []))
  );
}

function sameMetadata(a: Resource, b: Resource): boolean {
  return (
    deepEqual(a.metadata.labels ?? {}, b.metadata.labels ?? {}) &&
    deepEqual(a.metadata.annotations ?? {}, b.metadata.annotations ?? {}) &&
    deepEqual(a.metadata.finalizers ?? [], b.metadata.finalizers ?? [])
  );
}
