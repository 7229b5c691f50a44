/**
 * The objects the agent currently enforces, by layer, with each object's last drift check. Drift detection reads it
 * (which layer owns a changed object, what it should look like); the watcher is told which kinds to watch.
 */
import type { DriftEntry } from '@strata/api';
import { kindKey, refKey } from '../kube/object-ref.js';
import type { ManagedObject } from '../apply/managed-object.js';

export class ManagedRegistry {
  private readonly byLayer = new Map<string, Map<string, ManagedObject>>();
  private readonly owner = new Map<string, string>();
  private readonly drift = new Map<string, DriftEntry[]>();

  private readonly onKindsChanged: (kinds: { apiVersion: string; kind: string }[]) => void;

  constructor(onKindsChanged: (kinds: { apiVersion: string; kind: string }[]) => void) {
    this.onKindsChanged = onKindsChanged;
  }

  /** Replaces a layer's objects; their drift starts clean. Returns the object keys. */
  setLayer(layerKey: string, objects: readonly ManagedObject[]): string[] {
    this.dropLayer(layerKey);
    const map = new Map<string, ManagedObject>();
    for (const m of objects) {
      const key = refKey(m.ref);
      map.set(key, m);
      this.owner.set(key, layerKey);
    }
    this.byLayer.set(layerKey, map);
    this.onKindsChanged(this.kinds());
    return [...map.keys()];
  }

  removeLayer(layerKey: string): void {
    if (this.dropLayer(layerKey)) this.onKindsChanged(this.kinds());
  }

  /** Keeps only these layers. */
  retain(layerKeys: ReadonlySet<string>): void {
    let changed = false;
    for (const key of [...this.byLayer.keys()])
      if (!layerKeys.has(key)) changed = this.dropLayer(key) || changed;
    if (changed) this.onKindsChanged(this.kinds());
  }

  private dropLayer(layerKey: string): boolean {
    const map = this.byLayer.get(layerKey);
    if (!map) return false;
    for (const key of map.keys()) {
      if (this.owner.get(key) === layerKey) this.owner.delete(key);
      this.drift.delete(key);
    }
    this.byLayer.delete(layerKey);
    return true;
  }

  has(layerKey: string): boolean {
    return this.byLayer.has(layerKey);
  }

  layerOf(objectKey: string): string | undefined {
    return this.owner.get(objectKey);
  }

  get(objectKey: string): ManagedObject | undefined {
    const layer = this.owner.get(objectKey);
    return layer ? this.byLayer.get(layer)?.get(objectKey) : undefined;
  }

  objects(layerKey: string): ManagedObject[] {
    return [...(this.byLayer.get(layerKey)?.values() ?? [])];
  }

  objectKeys(layerKey: string): string[] {
    return [...(this.byLayer.get(layerKey)?.keys() ?? [])];
  }

  keysOfKind(kind: string): string[] {
    const out: string[] = [];
    for (const [key, layer] of this.owner) {
      const m = this.byLayer.get(layer)?.get(key);
      if (m && kindKey(m.ref) === kind) out.push(key);
    }
    return out;
  }

  kinds(): { apiVersion: string; kind: string }[] {
    const kinds = new Map<string, { apiVersion: string; kind: string }>();
    for (const map of this.byLayer.values())
      for (const m of map.values())
        kinds.set(kindKey(m.ref), { apiVersion: m.ref.apiVersion, kind: m.ref.kind });
    return [...kinds.values()];
  }

  setDrift(objectKey: string, entries: DriftEntry[]): void {
    if (entries.length === 0) this.drift.delete(objectKey);
    else this.drift.set(objectKey, entries);
  }

  /** Drift of a layer's objects, in the layer's order. */
  layerDrift(layerKey: string): DriftEntry[] {
    return this.objectKeys(layerKey).flatMap((k) => this.drift.get(k) ?? []);
  }

  driftedObjects(layerKey: string): ManagedObject[] {
    return this.objectKeys(layerKey)
      .filter((k) => this.drift.has(k))
      .map((k) => this.byLayer.get(layerKey)!.get(k)!);
  }

  get size(): number {
    return this.owner.size;
  }
}
