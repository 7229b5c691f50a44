/**
 * Adoption preview (import): what the first apply of a stack would do to what already exists, computed without
 * changing anything — no apply, no inventory, no state. It makes the same decisions the apply makes:
 *
 * - a manifest object that does not exist is created; one that exists is compared with the manifest over the fields
 *   the manifest sets (as drift detection does; in full mode confirmed by a server-side-apply dry run, which persists
 *   nothing — a read-only agent sends no write at all, so it compares field by field only): equal → adopted as it is,
 *   else updated, with the differing paths;
 * - a Helm release is adopted (not upgraded) when it is deployed with the same chart name, version and user-supplied
 *   values (`releaseMatches`, as the apply decides), and its objects are compared with the release's own manifest;
 *   otherwise it is installed or upgraded, with the reason;
 * - informational layers (os, k8s) apply nothing.
 */
import type {
  AdoptionLayerPreview,
  AdoptionPreview,
  ObjectRef as PlanObjectRef,
  ValueChange,
} from '@strata/api';
import { canonicalJson, isPlainObject, valueChanges, type JsonValue } from '@strata/core';
import { AgentError } from '../errors.js';
import type { KubeClient } from '../kube/kube-client.js';
import { refKey, refOf, type KubeObject, type ObjectRef } from '../kube/object-ref.js';
import { decorate, MANAGED_BY_LABEL, MANAGED_BY_VALUE, originOf, type Origin } from '../apply/labels.js';
import { LiveLookup } from '../apply/live-lookup.js';
import { marked, normalizeObject } from '../apply/manifest-applier.js';
import { forEachLimited } from '../apply/pool.js';
import { differences, REDACTED } from '../drift/drift-checker.js';
import type { FieldDiff } from '../drift/diff-object.js';
import { readRelease } from '../discovery/helm-releases.js';
import { releaseMatches, releaseObjects } from '../helm/helm-applier.js';
import type { LayerInventory } from '../inventory/inventory-store.js';
import type { DesiredLayer, HelmSpec, PreviewRequest } from '../protocol/desired-state.js';

export interface PreviewContext {
  kube: KubeClient;
  /** Confirm differences with a server-side-apply dry run (full mode; never in read-only mode). */
  dryRun: boolean;
  /** The layer inventories in the cluster (full mode): objects Strata already manages keep their origin. */
  inventories: readonly LayerInventory[];
  signal?: AbortSignal;
  now?: () => Date;
}

type ObjectPreview = AdoptionLayerPreview['objects'][number];

/** Changes listed per object at most. */
const MAX_CHANGES = 20;
/** A value larger than this (as JSON) is shown by its size only. */
const MAX_VALUE_CHARS = 512;

function shown(value: JsonValue | undefined, secret: boolean): unknown {
  if (value === undefined) return undefined;
  if (secret) return REDACTED;
  const text = JSON.stringify(value);
  return text.length > MAX_VALUE_CHARS ? `(${text.length} characters)` : value;
}

/** A field difference as a ValueChange: `from` the live value, `to` the layer's. */
export function changeOf(ref: ObjectRef, d: FieldDiff): ValueChange {
  const secret = ref.kind === 'Secret' && /^\/(data|stringData)(\/|$)/.test(d.path);
  const from = shown(d.live, secret);
  const to = shown(d.desired === null ? undefined : d.desired, secret);
  const type = d.live === undefined ? 'added' : d.desired === null ? 'removed' : 'changed';
  return {
    path: d.path,
    type,
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
  };
}

function planRef(ref: ObjectRef): PlanObjectRef {
  return { ...ref };
}

/** Compares one object with what is live, the way the apply would treat it. */
async function previewObject(
  ctx: PreviewContext,
  lookup: LiveLookup,
  layerKey: string,
  known: ReadonlyMap<string, Origin>,
  raw: KubeObject,
): Promise<ObjectPreview> {
  let ref: ObjectRef;
  let obj: KubeObject;
  try {
    ({ ref, obj } = await normalizeObject(ctx.kube, raw));
  } catch (error) {
    // A custom resource whose CRD comes with the stack: the kind (and so the object) does not exist yet.
    if (error instanceof AgentError && error.code === 'KubeUnknownKind')
      return { object: planRef(refOf(raw)!), action: 'create' };
    throw error;
  }
  const live = await lookup.get(ref);
  if (!live) return { object: planRef(ref), action: 'create' };
  const labels =
    isPlainObject(live.metadata) && isPlainObject(live.metadata.labels) ? live.metadata.labels : {};
  const origin: Origin =
    known.get(refKey(ref)) ??
    (labels[MANAGED_BY_LABEL] === MANAGED_BY_VALUE ? (originOf(live) ?? 'adopted') : 'adopted');
  // An object Strata never marked is adopted as written (no labels added while it matches); others carry them.
  const desired = origin === 'adopted' && !marked(live) ? obj : decorate(obj, layerKey, origin);
  return compared(ctx, ref, desired, live);
}

async function compared(
  ctx: PreviewContext,
  ref: ObjectRef,
  desired: KubeObject,
  live: KubeObject,
): Promise<ObjectPreview> {
  const diffs = await differences(ctx.kube, ref, desired, live, ctx.dryRun, ctx.signal);
  if (diffs.length === 0) return { object: planRef(ref), action: 'adopt' };
  const changes = diffs.slice(0, MAX_CHANGES).map((d) => changeOf(ref, d));
  return { object: planRef(ref), action: 'update', changes };
}

async function previewManifests(
  ctx: PreviewContext,
  layer: DesiredLayer,
  objects: readonly KubeObject[],
): Promise<AdoptionLayerPreview> {
  const inventory = ctx.inventories.find((i) => i.key === layer.key);
  const known = new Map((inventory?.objects ?? []).map((e) => [refKey(e), e.origin] as const));
  const lookup = new LiveLookup(ctx.kube, {
    metadataOnly: false,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  const refs = objects.map((o) => refOf(o)).filter((r): r is ObjectRef => r !== undefined);
  // Namespaces are not defaulted here (that needs discovery): an unlisted object is read on its own.
  await lookup.prefetch(refs.filter((r) => r.namespace !== undefined));
  const out: ObjectPreview[] = new Array<ObjectPreview>(objects.length);
  await forEachLimited(
    objects.map((o, i) => ({ o, i })),
    8,
    async ({ o, i }) => {
      out[i] = await previewObject(ctx, lookup, layer.key, known, o);
    },
  );
  return { profile: layer.profile, name: layer.name, objects: out };
}

/** Why an installed release is not adopted as it is (empty: it is). */
function releaseDifferences(
  release: { status: string; chart: string; version: string; values: unknown },
  spec: HelmSpec,
): string[] {
  const reasons: string[] = [];
  if (release.status !== 'deployed') reasons.push(`the release is ${release.status}, not deployed`);
  if (
    release.chart !== spec.chart.name ||
    release.version.replace(/^v/, '') !== spec.chart.version.replace(/^v/, '')
  )
    reasons.push(`chart ${release.chart} ${release.version} → ${spec.chart.name} ${spec.chart.version}`);
  if (canonicalJson(release.values) !== canonicalJson(spec.values)) {
    const paths = valueChanges(release.values as JsonValue, spec.values).map((c) => c.path || '/');
    const listed = paths.slice(0, 8).join(', ');
    reasons.push(`values differ at ${listed}${paths.length > 8 ? ` and ${paths.length - 8} more` : ''}`);
  }
  return reasons;
}

async function previewRelease(
  ctx: PreviewContext,
  layer: DesiredLayer,
  spec: HelmSpec,
): Promise<AdoptionLayerPreview> {
  const base = { profile: layer.profile, name: layer.name };
  const release = { name: spec.releaseName, namespace: spec.namespace };
  const installed = await readRelease(ctx.kube, spec.namespace, spec.releaseName, ctx.signal);
  if (!installed || installed.status === 'uninstalled')
    return {
      ...base,
      objects: [],
      release: {
        ...release,
        action: 'install',
        reason: `no release ${spec.releaseName} in namespace ${spec.namespace}`,
      },
    };
  const revision = installed.revision;
  // The apply's own test, so the preview and the first apply cannot disagree.
  if (!releaseMatches(installed, spec)) {
    return {
      ...base,
      objects: [],
      release: {
        ...release,
        action: 'upgrade',
        revision,
        reason: releaseDifferences(installed, spec).join('; ') || 'the release differs',
      },
    };
  }
  // Adopted without an upgrade: its objects go under drift detection against the release's own manifest.
  const managed = await releaseObjects(ctx.kube, installed.manifest, spec.namespace);
  const lookup = new LiveLookup(ctx.kube, {
    metadataOnly: false,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  await lookup.prefetch(managed.map((m) => m.ref));
  const objects: ObjectPreview[] = new Array<ObjectPreview>(managed.length);
  await forEachLimited(
    managed.map((m, i) => ({ m, i })),
    8,
    async ({ m, i }) => {
      const live = await lookup.get(m.ref);
      objects[i] = live
        ? await compared(ctx, m.ref, m.desired, live)
        : { object: planRef(m.ref), action: 'create' };
    },
  );
  return { ...base, objects, release: { ...release, action: 'adopt', revision: installed.revision } };
}

/** Computes the preview of a whole stack, layer by layer in stack order. Reads only (plus dry runs in full mode). */
export async function previewAdoption(
  ctx: PreviewContext,
  request: Pick<PreviewRequest, 'stackHash' | 'layers'>,
): Promise<AdoptionPreview> {
  const layers: AdoptionLayerPreview[] = [];
  for (const layer of request.layers) {
    const content = layer.content;
    if (content.type === 'manifest') layers.push(await previewManifests(ctx, layer, content.objects));
    else if (content.type === 'helm') layers.push(await previewRelease(ctx, layer, content.helm));
    else
      layers.push({
        profile: layer.profile,
        name: layer.name,
        objects: [],
        note: `${layer.kind && layer.kind !== 'addon' ? `${layer.kind} layer` : 'layer without manifests or a chart'}: informational, nothing is applied in the cluster`,
      });
  }
  const noChanges = layers.every(
    (l) => l.objects.every((o) => o.action === 'adopt') && (l.release?.action ?? 'adopt') === 'adopt',
  );
  return {
    stackHash: request.stackHash,
    at: (ctx.now?.() ?? new Date()).toISOString(),
    noChanges,
    dryRun: ctx.dryRun,
    layers,
  };
}

/**
 * Keeps a preview under `maxBytes` of JSON (the server takes bodies up to 1 MB): objects adopted as they are are
 * dropped first (the layer's note counts them), then change lists are shortened. `noChanges` is kept as computed.
 */
export function fitPreview(preview: AdoptionPreview, maxBytes = 800_000): AdoptionPreview {
  const size = (p: AdoptionPreview) => Buffer.byteLength(JSON.stringify(p));
  if (size(preview) <= maxBytes) return preview;
  const layers = preview.layers.map((l) => {
    const adopted = l.objects.filter((o) => o.action === 'adopt').length;
    if (adopted === 0) return l;
    const note = `${adopted} objects adopted as they are (not listed: the preview was too large)`;
    return {
      ...l,
      objects: l.objects.filter((o) => o.action !== 'adopt'),
      note: l.note ? `${l.note}; ${note}` : note,
    };
  });
  let fitted: AdoptionPreview = { ...preview, layers };
  if (size(fitted) <= maxBytes) return fitted;
  fitted = {
    ...fitted,
    layers: fitted.layers.map((l) => ({
      ...l,
      objects: l.objects.map((o) => (o.changes ? { ...o, changes: o.changes.slice(0, 3) } : o)),
    })),
  };
  return fitted;
}
