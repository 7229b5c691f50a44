/**
 * The inventory: one ConfigMap per layer in the agent namespace recording what the agent applied for that layer
 * (every object with its origin, or the Helm release) and the content hash it last reached Applied with. It lives
 * in the cluster, so a restarted agent knows what it owns and what it need not re-apply.
 */
import { createHash } from 'node:crypto';
import { isPlainObject } from '@strata/core';
import type { KubeClient } from '../kube/kube-client.js';
import type { ObjectRef } from '../kube/object-ref.js';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE, type Origin } from '../apply/labels.js';

export const INVENTORY_LABEL = 'strata.dev/inventory';
const DATA_KEY = 'inventory.json';

export interface InventoryEntry extends ObjectRef {
  origin: Origin;
}

export interface LayerInventory {
  profile: string;
  layer: string;
  key: string;
  /** Stack position when last written: removed layers are uninstalled in reverse order of it. */
  index: number;
  type: 'manifest' | 'helm' | 'info';
  /** The layer hash the layer last reached Applied with; absent while a first apply is in flight. */
  appliedHash?: string;
  objects: InventoryEntry[];
  helm?: { releaseName: string; namespace: string; origin: Origin };
}

const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** `strata-layer.<profile>.<layer>` when that is a valid name, else a hash of the key. */
export function inventoryName(key: string): string {
  const readable = `strata-layer.${key}`;
  if (readable.length <= 253 && SUBDOMAIN.test(readable)) return readable;
  return `strata-layer.${createHash('sha256').update(key).digest('hex').slice(0, 40)}`;
}

function readInventory(value: unknown): LayerInventory | undefined {
  if (!isPlainObject(value)) return undefined;
  const data = isPlainObject(value.data) ? value.data : {};
  const text = data[DATA_KEY];
  if (typeof text !== 'string') return undefined;
  try {
    const inv = JSON.parse(text) as LayerInventory;
    return typeof inv.key === 'string' && Array.isArray(inv.objects) ? inv : undefined;
  } catch {
    return undefined;
  }
}

export class InventoryStore {
  private readonly kube: KubeClient;
  readonly namespace: string;

  constructor(kube: KubeClient, namespace: string) {
    this.kube = kube;
    this.namespace = namespace;
  }

  private ref(key: string): ObjectRef {
    return { apiVersion: 'v1', kind: 'ConfigMap', namespace: this.namespace, name: inventoryName(key) };
  }

  async list(signal?: AbortSignal): Promise<LayerInventory[]> {
    const { items } = await this.kube.list('v1', 'ConfigMap', {
      namespace: this.namespace,
      labelSelector: `${INVENTORY_LABEL}=layer`,
      signal,
    });
    return items.map(readInventory).filter((x): x is LayerInventory => x !== undefined);
  }

  async write(inv: LayerInventory, signal?: AbortSignal): Promise<void> {
    const ref = this.ref(inv.key);
    await this.kube.apply(
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: ref.name,
          namespace: this.namespace,
          labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [INVENTORY_LABEL]: 'layer' },
          annotations: { 'strata.dev/layer': inv.key },
        },
        data: { [DATA_KEY]: JSON.stringify(inv) },
      },
      ref,
      { force: true, signal },
    );
  }

  async remove(key: string, signal?: AbortSignal): Promise<void> {
    await this.kube.delete(this.ref(key), { signal });
  }
}

/** Creates the agent namespace when it is missing (the install manifest normally does). */
export async function ensureNamespace(
  kube: KubeClient,
  namespace: string,
  signal?: AbortSignal,
): Promise<void> {
  const ref: ObjectRef = { apiVersion: 'v1', kind: 'Namespace', name: namespace };
  if (await kube.get(ref, signal)) return;
  await kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }, ref, {
    force: false,
    signal,
  });
}
