/**
 * Reads the live state of many objects in as few requests as possible: where a batch has many objects of one kind
 * in one namespace, one paged list answers for all of them (a 1,000-object layer costs a handful of requests instead
 * of 1,000 GETs); anything else is a GET. Used to tell created from adopted objects before an apply (metadata-only
 * lists: labels and annotations are all that matters; `full()` reads an object whose content does) and to read the
 * objects of a drift check (whole objects; Secrets are always read one by one, since a namespace's Secrets include
 * Helm's release records of up to 1 MB each).
 */
import type { KubeClient } from '../kube/kube-client.js';
import { refKey, type KubeObject, type ObjectRef } from '../kube/object-ref.js';
import { forEachLimited } from './pool.js';

/** From this many objects of one kind in one namespace on, they are listed instead of read one by one. */
export const LIST_MIN_OBJECTS = 8;

export interface LiveLookupOptions {
  /** List metadata only (PartialObjectMetadata); `full()` then reads an object whole when needed. */
  metadataOnly: boolean;
  signal?: AbortSignal;
  /**
   * The least a list reads before it stops and leaves what it did not see to GETs (a namespace crowded with other
   * objects): default 5,000 objects for a metadata-only list, 1,000 for a whole one. A list reads more for a big
   * batch: 10 (metadata-only) or 4 (whole) times the batch's objects of that kind and namespace. Tests set it low
   * to get a crowded namespace without seeding thousands of objects.
   */
  listFloor?: number;
}

export class LiveLookup {
  /** refKey → the object as listed, or null: absent (the list was complete). */
  private readonly listed = new Map<string, KubeObject | null>();
  private readonly partial = new WeakSet<KubeObject>();

  private readonly kube: KubeClient;
  private readonly options: LiveLookupOptions;

  constructor(kube: KubeClient, options: LiveLookupOptions) {
    this.kube = kube;
    this.options = options;
  }

  /**
   * Lists the kinds and namespaces of `refs` that hold enough of them. A list that fails (e.g. no list permission)
   * or stops early (a namespace with very many other objects) just leaves those objects to GETs.
   */
  async prefetch(refs: readonly ObjectRef[]): Promise<void> {
    const { metadataOnly, signal, listFloor } = this.options;
    const groups = new Map<string, ObjectRef[]>();
    for (const ref of refs) {
      if (!metadataOnly && ref.kind === 'Secret' && ref.apiVersion === 'v1') continue;
      const key = `${ref.apiVersion} ${ref.kind} ${ref.namespace ?? ''}`;
      const group = groups.get(key);
      if (group) group.push(ref);
      else groups.set(key, [ref]);
    }
    const big = [...groups.values()].filter((g) => g.length >= LIST_MIN_OBJECTS);
    await forEachLimited(big, 4, async (group) => {
      const { apiVersion, kind, namespace } = group[0]!;
      let result: Awaited<ReturnType<KubeClient['listByName']>>;
      try {
        result = await this.kube.listByName(apiVersion, kind, namespace, {
          // Whole objects: read at most a few times what the GETs would have.
          maxItems: metadataOnly
            ? Math.max(listFloor ?? 5000, 10 * group.length)
            : Math.max(listFloor ?? 1000, 4 * group.length),
          metadataOnly,
          ...(signal ? { signal } : {}),
        });
      } catch (error) {
        if (signal?.aborted) throw error;
        return;
      }
      for (const ref of group) {
        const found = result.byName.get(ref.name);
        if (found) {
          if (metadataOnly) this.partial.add(found);
          this.listed.set(refKey(ref), found);
        } else if (result.complete) this.listed.set(refKey(ref), null);
      }
    });
  }

  /** The live object (metadata only when a metadata list answered), or undefined when it does not exist. */
  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    const hit = this.listed.get(refKey(ref));
    if (hit === null) return undefined;
    return hit ?? this.kube.get(ref, this.options.signal);
  }

  /** The whole live object: `live` itself unless it came from a metadata list. */
  async full(ref: ObjectRef, live: KubeObject): Promise<KubeObject | undefined> {
    return this.partial.has(live) ? this.kube.get(ref, this.options.signal) : live;
  }
}
