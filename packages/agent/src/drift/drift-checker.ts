/**
 * Checks one managed object for drift: reads it, diffs it against the desired manifest over the manifest's fields,
 * and, when that finds something, confirms with a server-side-apply dry run (what the object would be if the agent
 * applied it now): only paths where the dry run and the live object differ are drift. The cheap diff keeps the
 * common case (no drift) at one GET; the dry run removes false positives from defaulting and normalisation.
 */
import type { DriftEntry } from '@strata/api';
import { isPlainObject, type JsonObject, type JsonValue } from '@strata/core';
import { AgentError } from '../errors.js';
import type { KubeClient } from '../kube/kube-client.js';
import { metadataOf, type KubeObject, type ObjectRef } from '../kube/object-ref.js';
import type { ManagedObject } from '../apply/managed-object.js';
import { LiveLookup } from '../apply/live-lookup.js';
import { diffObject, type FieldDiff } from './diff-object.js';

export const REDACTED = '(redacted)';

/** Secret contents never leave the cluster in a drift report. */
function isSensitive(ref: ObjectRef, path: string): boolean {
  return ref.kind === 'Secret' && /^\/(data|stringData)(\/|$)/.test(path);
}

function entryOf(ref: ObjectRef, d: FieldDiff): DriftEntry {
  const hide = isSensitive(ref, d.path);
  const show = (v: JsonValue | undefined): unknown => (v === undefined ? undefined : hide ? REDACTED : v);
  const desired = show(d.desired);
  const live = show(d.live);
  return {
    object: { ...ref },
    path: d.path,
    ...(desired === undefined ? {} : { desired }),
    ...(live === undefined ? {} : { live }),
  };
}

/**
 * What a manifest looks like once stored: a Secret's write-only `stringData` becomes base64 `data` (the API server
 * does exactly this), so a changed Secret value is compared where it lives.
 */
export function storedShape(desired: KubeObject): KubeObject {
  if (desired.kind !== 'Secret' || desired.apiVersion !== 'v1' || !isPlainObject(desired.stringData))
    return desired;
  const data: JsonObject = { ...(isPlainObject(desired.data) ? desired.data : {}) };
  for (const [k, v] of Object.entries(desired.stringData))
    if (typeof v === 'string') data[k] = Buffer.from(v, 'utf8').toString('base64');
  const { stringData: _written, ...rest } = desired;
  return { ...rest, data };
}

/** The entry for an object that is not there at all. */
export function missingEntry(ref: ObjectRef): DriftEntry {
  return { object: { ...ref }, path: '' };
}

export interface DriftCheckerOptions {
  kube: KubeClient;
  /** Confirm with a dry-run apply? Not in read-only mode (a dry run needs the patch verb). Asked per check. */
  dryRun: () => boolean;
}

export class DriftChecker {
  private readonly options: DriftCheckerOptions;

  constructor(options: DriftCheckerOptions) {
    this.options = options;
  }

  /**
   * Reads the live objects of a batch of checks ahead: where many share a kind and namespace, one list instead of a
   * GET each (pass the result to `check`).
   */
  async prefetch(objects: readonly ManagedObject[], signal?: AbortSignal): Promise<LiveLookup> {
    const lookup = new LiveLookup(this.options.kube, { metadataOnly: false, ...(signal ? { signal } : {}) });
    await lookup.prefetch(objects.map((m) => m.ref));
    return lookup;
  }

  async live(ref: ObjectRef, signal?: AbortSignal, lookup?: LiveLookup): Promise<KubeObject | undefined> {
    try {
      return await (lookup ? lookup.get(ref) : this.options.kube.get(ref, signal));
    } catch (error) {
      // The kind is no longer served (its CRD was deleted): the object is gone with it.
      if (error instanceof AgentError && error.code === 'KubeUnknownKind') return undefined;
      throw error;
    }
  }

  async check(m: ManagedObject, signal?: AbortSignal, lookup?: LiveLookup): Promise<DriftEntry[]> {
    const live = await this.live(m.ref, signal, lookup);
    if (!live || metadataOf(live).deletionTimestamp) return [missingEntry(m.ref)];
    const diffs = await differences(this.options.kube, m.ref, m.desired, live, this.options.dryRun(), signal);
    return diffs.map((d) => entryOf(m.ref, d));
  }
}

/**
 * Where `live` differs from `desired` over the fields `desired` sets; with `dryRun`, differences are confirmed by
 * a server-side-apply dry run (nothing is persisted), which removes those that are only normalisation.
 */
export async function differences(
  kube: KubeClient,
  ref: ObjectRef,
  desired: KubeObject,
  live: KubeObject,
  dryRun: boolean,
  signal?: AbortSignal,
): Promise<FieldDiff[]> {
  const shape = storedShape(desired);
  let diffs = diffObject(shape, live);
  if (diffs.length > 0 && dryRun) {
    try {
      const dry = await kube.apply(desired, ref, { force: true, dryRun: true, signal });
      diffs = diffObject(shape, live, dry.object);
    } catch {
      // The dry run was refused (e.g. invalid now): the plain diff is the best answer we have.
    }
  }
  return diffs;
}
