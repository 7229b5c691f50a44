/**
 * Deletes what a layer no longer contains. Two guards make sure the agent never deletes what it did not create:
 * the inventory says the agent created the object (adopted ones are only handed back: our labels removed), and
 * the live object still carries this layer's marks (an object another layer took over, or that someone re-created
 * by hand, is left alone). The delete itself has a uid precondition, so the object checked is the object deleted.
 */
import { isPlainObject } from '@strata/core';
import { deleteOrder } from '../apply/apply-order.js';
import { LAYER_ANNOTATION, isOursForLayer, releasePatch } from '../apply/labels.js';
import type { KubeClient } from '../kube/kube-client.js';
import { describeRef, metadataOf, type KubeObject } from '../kube/object-ref.js';
import type { Logger } from '../log/logger.js';
import type { InventoryEntry } from './inventory-store.js';

export interface CollectResult {
  deleted: string[];
  released: string[];
  skipped: string[];
}

function layerAnnotation(live: KubeObject): unknown {
  const annotations = metadataOf(live).annotations;
  return isPlainObject(annotations) ? annotations[LAYER_ANNOTATION] : undefined;
}

export async function collectObjects(
  kube: KubeClient,
  layerKey: string,
  entries: readonly InventoryEntry[],
  options: { logger: Logger; signal?: AbortSignal },
): Promise<CollectResult> {
  const result: CollectResult = { deleted: [], released: [], skipped: [] };
  for (const entry of deleteOrder(entries)) {
    const ref = {
      apiVersion: entry.apiVersion,
      kind: entry.kind,
      name: entry.name,
      ...(entry.namespace ? { namespace: entry.namespace } : {}),
    };
    let live: KubeObject | undefined;
    try {
      live = await kube.get(ref, options.signal);
    } catch (error) {
      // Its kind is gone (the CRD was removed earlier in this order): so is the object.
      if (error instanceof Error && 'code' in error && error.code === 'KubeUnknownKind') continue;
      throw error;
    }
    if (!live) continue;
    const what = describeRef(ref);
    if (entry.origin === 'created' && isOursForLayer(live, layerKey)) {
      const uid = metadataOf(live).uid;
      await kube.delete(ref, { ...(typeof uid === 'string' ? { uid } : {}), signal: options.signal });
      result.deleted.push(what);
    } else if (entry.origin === 'adopted' && layerAnnotation(live) === layerKey) {
      await kube.mergePatch(ref, releasePatch(), options.signal);
      result.released.push(what);
    } else {
      result.skipped.push(what);
    }
  }
  if (result.deleted.length + result.released.length + result.skipped.length > 0)
    options.logger.info('garbage collected', {
      layer: layerKey,
      deleted: result.deleted,
      released: result.released,
      skipped: result.skipped,
    });
  return result;
}
