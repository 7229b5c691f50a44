/**
 * What the agent writes on every object it applies, so anyone can see from the cluster what Strata manages and
 * where it came from. Labels are for selection (values ≤ 63 characters); annotations carry the full text.
 */
import { createHash } from 'node:crypto';
import { isPlainObject, type JsonObject } from '@strata/core';
import type { KubeObject } from '../kube/object-ref.js';

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'strata';
/** `<profile>.<layer>` (shortened with a hash suffix when longer than a label value may be). */
export const LAYER_LABEL = 'strata.dev/layer';
/** The full `<profile>.<layer>`, never shortened. */
export const LAYER_ANNOTATION = 'strata.dev/layer';
/** `created` when the agent created the object, `adopted` when it existed before: only created ones are deleted. */
export const ORIGIN_ANNOTATION = 'strata.dev/origin';

export type Origin = 'created' | 'adopted';

/** The layer key used in labels, inventory and logs. */
export function layerKey(profile: string, layer: string): string {
  return `${profile}.${layer}`;
}

const LABEL_VALUE = /^(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/** A valid label value for a layer key: the key itself, or a readable prefix plus a hash when it does not fit. */
export function layerLabelValue(key: string): string {
  if (LABEL_VALUE.test(key)) return key;
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 10);
  const prefix = key
    .replace(/[^-A-Za-z0-9_.]/g, '-')
    .slice(0, 50)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  return prefix ? `${prefix}-${hash}` : hash;
}

/** A copy of the desired object with Strata's labels and annotations added. */
export function decorate(obj: KubeObject, key: string, origin: Origin): KubeObject {
  const meta: JsonObject = isPlainObject(obj.metadata) ? { ...obj.metadata } : {};
  meta.labels = {
    ...(isPlainObject(meta.labels) ? meta.labels : {}),
    [MANAGED_BY_LABEL]: MANAGED_BY_VALUE,
    [LAYER_LABEL]: layerLabelValue(key),
  };
  meta.annotations = {
    ...(isPlainObject(meta.annotations) ? meta.annotations : {}),
    [LAYER_ANNOTATION]: key,
    [ORIGIN_ANNOTATION]: origin,
  };
  return { ...obj, metadata: meta };
}

/** Whether a live object carries our marks for this layer (the last check before a delete). */
export function isOursForLayer(live: KubeObject, key: string): boolean {
  const meta = isPlainObject(live.metadata) ? live.metadata : {};
  const labels = isPlainObject(meta.labels) ? meta.labels : {};
  const annotations = isPlainObject(meta.annotations) ? meta.annotations : {};
  return (
    labels[MANAGED_BY_LABEL] === MANAGED_BY_VALUE &&
    annotations[LAYER_ANNOTATION] === key &&
    annotations[ORIGIN_ANNOTATION] === 'created'
  );
}

export function originOf(live: KubeObject): Origin | undefined {
  const meta = isPlainObject(live.metadata) ? live.metadata : {};
  const annotations = isPlainObject(meta.annotations) ? meta.annotations : {};
  const v = annotations[ORIGIN_ANNOTATION];
  return v === 'created' || v === 'adopted' ? v : undefined;
}

/** The merge patch that hands an adopted object back: our labels and annotations removed, nothing else. */
export function releasePatch(): KubeObject {
  return {
    metadata: {
      labels: { [MANAGED_BY_LABEL]: null, [LAYER_LABEL]: null },
      annotations: { [LAYER_ANNOTATION]: null, [ORIGIN_ANNOTATION]: null },
    },
  };
}
