/** Small readers for the raw JSON of the objects discovery looks at. Pure. */
import { isPlainObject, type JsonObject } from '@strata/core';
import { metadataOf, type KubeObject } from '../kube/object-ref.js';

export function obj(value: unknown): JsonObject {
  return isPlainObject(value) ? value : {};
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function labels(o: KubeObject): Record<string, string> {
  return strings(metadataOf(o).labels);
}

export function annotations(o: KubeObject): Record<string, string> {
  return strings(metadataOf(o).annotations);
}

function strings(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(value))) if (typeof v === 'string') out[k] = v;
  return out;
}

export function nameOf(o: KubeObject): string {
  return str(metadataOf(o).name) ?? '';
}

export function namespaceOf(o: KubeObject): string | undefined {
  return str(metadataOf(o).namespace);
}

/** `ns/name` or `name`. */
export function qualified(o: KubeObject): string {
  const ns = namespaceOf(o);
  return ns ? `${ns}/${nameOf(o)}` : nameOf(o);
}

/** Container images of a workload's pod template (init containers included). */
export function imagesOf(o: KubeObject): string[] {
  const podSpec = obj(obj(obj(o.spec).template).spec);
  const out: string[] = [];
  for (const list of [podSpec.initContainers, podSpec.containers])
    for (const c of Array.isArray(list) ? list : []) {
      const image = str(obj(c).image);
      if (image) out.push(image);
    }
  return out;
}

/** The tag of an image reference (`repo/name:v1.2.3@sha256:...` → `v1.2.3`), if any. */
export function imageTag(image: string): string | undefined {
  const noDigest = image.split('@')[0]!;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(colon + 1) : undefined;
}

/** An image tag that names a version (`v3.27.0`, `1.17.4`, `v0.26.7-amd64`), else undefined. */
export function versionTag(image: string): string | undefined {
  const tag = imageTag(image);
  return tag && /^v?\d+(\.\d+)+/.test(tag) ? tag : undefined;
}

/** Most frequent value (first seen wins ties). */
export function mode(values: readonly (string | undefined)[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) if (v !== undefined) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: string | undefined;
  let bestCount = 0;
  for (const [v, c] of counts)
    if (c > bestCount) {
      best = v;
      bestCount = c;
    }
  return best;
}
