/**
 * Applies a manifest layer with server-side apply: CRDs first (and waited for until Established, so custom
 * resources of them can follow), then everything else in apply order, a few objects at a time within a kind. The
 * inventory is written ahead of each phase, so an agent killed mid-apply still knows every object it may have
 * created. After the layer is ready, objects dropped from the layer are garbage collected.
 */
import { isPlainObject } from '@strata/core';
import { AgentError } from '../errors.js';
import { KubeApiError, type KubeClient } from '../kube/kube-client.js';
import {
  describeRef,
  metadataOf,
  refKey,
  refOf,
  type KubeObject,
  type ObjectRef,
} from '../kube/object-ref.js';
import type { Logger } from '../log/logger.js';
import type { DesiredLayer } from '../protocol/desired-state.js';
import { waitReady } from '../readiness/wait-ready.js';
import { collectObjects } from '../inventory/garbage-collector.js';
import type { InventoryEntry, InventoryStore, LayerInventory } from '../inventory/inventory-store.js';
import { applyOrder, isCrd } from './apply-order.js';
import { differences } from '../drift/drift-checker.js';
import {
  LAYER_ANNOTATION,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  decorate,
  originOf,
  type Origin,
} from './labels.js';
import type { ManagedObject } from './managed-object.js';
import { LiveLookup } from './live-lookup.js';
import { forEachLimited } from './pool.js';

export interface ApplyContext {
  kube: KubeClient;
  inventory: InventoryStore;
  logger: Logger;
  deadline: number;
  signal?: AbortSignal;
  concurrency?: number;
}

/** Why an apply conflicted, naming the fields and their other managers (the API server's causes). */
export function conflictMessage(ref: ObjectRef, error: KubeApiError): string {
  const fields = error.causes.map((c) => [c.field, c.message].filter(Boolean).join(' ')).filter(Boolean);
  return `conflict applying ${describeRef(ref)} (it existed before Strata, so its other managers keep their fields): ${fields.join('; ') || error.message}`;
}

/**
 * Applies one object; adopted objects without force (unless `force`: remediation), so another manager's fields are
 * reported, not taken.
 */
export async function applyObject(
  kube: KubeClient,
  m: ManagedObject,
  signal?: AbortSignal,
  force = m.origin === 'created',
): Promise<KubeObject> {
  try {
    return (await kube.apply(m.desired, m.ref, { force, signal })).object;
  } catch (error) {
    if (error instanceof KubeApiError && error.code === 'ApplyConflict')
      throw new AgentError('ApplyConflict', conflictMessage(m.ref, error), { cause: error });
    if (error instanceof KubeApiError)
      throw new AgentError('KubeApiError', `apply ${describeRef(m.ref)}: ${error.message}`, {
        retriable: error.retriable,
        cause: error,
      });
    throw error;
  }
}

/** Where an object lives once applied: namespaced kinds without a namespace go to `default`. */
export async function normalizeObject(
  kube: KubeClient,
  obj: KubeObject,
): Promise<{ ref: ObjectRef; obj: KubeObject }> {
  const ref = refOf(obj);
  if (!ref) throw new AgentError('InvalidMessage', 'a manifest lacks apiVersion, kind or metadata.name');
  const info = await kube.discovery.require(ref.apiVersion, ref.kind);
  const meta = { ...metadataOf(obj) };
  if (info.namespaced && !ref.namespace) meta.namespace = 'default';
  if (!info.namespaced) delete meta.namespace;
  const out = { ...obj, metadata: meta };
  return { ref: refOf(out)!, obj: out };
}

/** Whether Strata ever marked the object (its labels or its layer annotation). */
export function marked(live: KubeObject): boolean {
  const meta = metadataOf(live);
  const labels = isPlainObject(meta.labels) ? meta.labels : {};
  const annotations = isPlainObject(meta.annotations) ? meta.annotations : {};
  return labels[MANAGED_BY_LABEL] === MANAGED_BY_VALUE || annotations[LAYER_ANNOTATION] !== undefined;
}

/**
 * Decides whether the agent creates or adopts each object, and decorates it. An adopted object Strata never
 * marked is enforced as written, without Strata's labels; `forApply` (the object is about to be applied) also
 * checks whether it already matches, in which case it is adopted as it is (`asIs`: not applied, so not changed).
 */
export async function prepareObjects(
  kube: KubeClient,
  layerKey: string,
  objects: readonly KubeObject[],
  previous: LayerInventory | undefined,
  signal?: AbortSignal,
  options: { forApply?: boolean } = {},
): Promise<ManagedObject[]> {
  const known = new Map((previous?.objects ?? []).map((e) => [refKey(e), e.origin]));
  // Discovery is cached, so normalising costs a request per group version at most.
  const normalized: { ref: ObjectRef; obj: KubeObject }[] = [];
  for (const raw of objects) normalized.push(await normalizeObject(kube, raw));
  const lookup = new LiveLookup(kube, { metadataOnly: true, ...(signal ? { signal } : {}) });
  await lookup.prefetch(normalized.map((n) => n.ref).filter((ref) => known.get(refKey(ref)) !== 'created'));
  const out: ManagedObject[] = [];
  await forEachLimited(normalized, 8, async ({ ref, obj }) => {
    let origin: Origin | undefined = known.get(refKey(ref));
    const live = origin === 'created' ? undefined : await lookup.get(ref);
    if (!origin) {
      if (!live) origin = 'created';
      else {
        const labels = isPlainObject(metadataOf(live).labels)
          ? (metadataOf(live).labels as Record<string, unknown>)
          : {};
        // An object Strata made for another layer (moving between layers) stays Strata-created.
        origin = labels[MANAGED_BY_LABEL] === MANAGED_BY_VALUE ? (originOf(live) ?? 'adopted') : 'adopted';
      }
    }
    if (origin === 'adopted' && live && !marked(live)) {
      if (!options.forApply) return void out.push({ ref, desired: obj, origin });
      // Adoption without disruption: nothing to change, so nothing is written (not even a field manager entry).
      const whole = await lookup.full(ref, live);
      if (whole && (await differences(kube, ref, obj, whole, true, signal)).length === 0)
        return void out.push({ ref, desired: obj, origin, asIs: whole });
    }
    out.push({ ref, desired: decorate(obj, layerKey, origin), origin });
  });
  // forEachLimited finishes out of order; keep the manifest's order.
  const order = new Map(objects.map((o, i) => [refOf(o) ? refKey(refOf(o)!) : '', i]));
  return out.sort((a, b) => (order.get(refKey(a.ref)) ?? 0) - (order.get(refKey(b.ref)) ?? 0));
}

function entryOf(m: ManagedObject): InventoryEntry {
  return { ...m.ref, origin: m.origin === 'adopted' ? 'adopted' : 'created' };
}

function mergeEntries(a: readonly InventoryEntry[], b: readonly InventoryEntry[]): InventoryEntry[] {
  const map = new Map(a.map((e) => [refKey(e), e]));
  for (const e of b) map.set(refKey(e), e);
  return [...map.values()];
}

/** Applies objects in apply order: one kind after another, `concurrency` objects of a kind at a time. */
async function applyInOrder(ctx: ApplyContext, objects: readonly ManagedObject[]): Promise<KubeObject[]> {
  const ordered = applyOrder(objects.map((m) => ({ kind: m.ref.kind, m }))).map((x) => x.m);
  const results: KubeObject[] = [];
  let i = 0;
  while (i < ordered.length) {
    let j = i;
    while (j < ordered.length && ordered[j]!.ref.kind === ordered[i]!.ref.kind) j++;
    await forEachLimited(ordered.slice(i, j), ctx.concurrency ?? 8, async (m) => {
      results.push(m.asIs ?? (await applyObject(ctx.kube, m, ctx.signal)));
    });
    i = j;
  }
  return results;
}

function crdVersions(crd: KubeObject): string[] {
  const spec = isPlainObject(crd.spec) ? crd.spec : {};
  const group = typeof spec.group === 'string' ? spec.group : '';
  const versions = Array.isArray(spec.versions) ? spec.versions : [];
  return versions.flatMap((v) =>
    isPlainObject(v) && typeof v.name === 'string' ? [`${group}/${v.name}`] : [],
  );
}

/**
 * Applies a manifest layer and waits until it is ready. Returns the objects now managed (for drift detection);
 * the caller records the applied hash.
 */
export async function applyManifestLayer(
  ctx: ApplyContext,
  layer: DesiredLayer,
  objects: readonly KubeObject[],
  previous: LayerInventory | undefined,
): Promise<ManagedObject[]> {
  const { kube, inventory, signal } = ctx;
  let entries = previous?.objects ?? [];
  const writeAhead = async (managed: ManagedObject[]): Promise<void> => {
    entries = mergeEntries(entries, managed.map(entryOf));
    await inventory.write(
      {
        profile: layer.profile,
        layer: layer.name,
        key: layer.key,
        index: layer.index,
        type: 'manifest',
        objects: entries,
      },
      signal,
    );
  };

  // Phase 1: CRDs, so the API server serves their kinds before the custom resources are prepared.
  const crds = await prepareObjects(kube, layer.key, objects.filter(isCrd), previous, signal, {
    forApply: true,
  });
  if (crds.length > 0) await writeAhead(crds);
  const crdResults = await applyInOrder(ctx, crds);
  await waitReady(crdResults, { kube, deadline: ctx.deadline, signal });
  for (const crd of crdResults) for (const gv of crdVersions(crd)) kube.discovery.forget(gv);

  // Phase 2: everything else.
  const rest = await prepareObjects(
    kube,
    layer.key,
    objects.filter((o) => !isCrd(o)),
    previous,
    signal,
    { forApply: true },
  );
  await writeAhead(rest);
  const results = await applyInOrder(ctx, rest);
  await waitReady(results, { kube, deadline: ctx.deadline, signal });

  const managed = [...crds, ...rest];
  const keep = new Set(managed.map((m) => refKey(m.ref)));
  const gone = (previous?.objects ?? []).filter((e) => !keep.has(refKey(e)));
  if (gone.length > 0) await collectObjects(kube, layer.key, gone, { logger: ctx.logger, signal });
  return managed;
}

/** The inventory record of a manifest layer that reached Applied. */
export function appliedInventory(layer: DesiredLayer, managed: readonly ManagedObject[]): LayerInventory {
  return {
    profile: layer.profile,
    layer: layer.name,
    key: layer.key,
    index: layer.index,
    type: 'manifest',
    appliedHash: layer.hash,
    objects: managed.map(entryOf),
  };
}
