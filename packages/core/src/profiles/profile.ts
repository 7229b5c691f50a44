import type {
  ChartLayer,
  ClusterProfileSpec,
  ManifestLayer,
  PackLayerKind,
  PackLayerRef,
  ProfileLayer,
} from '@strata/api';
import type { PackCatalog } from '../packs/pack-catalog.js';
import type { Pack } from '../packs/pack.js';

/** A ClusterProfile object as core reads it (the envelope's metadata plus the spec). */
export interface ProfileDocument {
  metadata: { name: string; project?: string };
  spec: ClusterProfileSpec;
}

export type LayerSource =
  | { kind: 'pack'; layer: PackLayerRef }
  | { kind: 'manifest'; layer: ManifestLayer }
  | { kind: 'chart'; layer: ChartLayer };

/** Which of the three layer shapes a layer is (by its discriminating field). */
export function layerSource(layer: ProfileLayer): LayerSource | undefined {
  if (!layer || typeof layer !== 'object') return undefined;
  if ('pack' in layer) return { kind: 'pack', layer };
  if ('manifest' in layer) return { kind: 'manifest', layer };
  if ('chart' in layer) return { kind: 'chart', layer };
  return undefined;
}

/** A layer's name: `name`, or the pack name for pack layers. */
export function layerName(layer: ProfileLayer): string {
  if (!layer || typeof layer !== 'object') return '';
  const l = layer as { name?: unknown; pack?: unknown };
  return typeof l.name === 'string' ? l.name : typeof l.pack === 'string' ? l.pack : '';
}

/** The stack position of a layer: the pack's layer for pack layers; inline manifests and charts are add-ons. */
export function layerKind(
  layer: ProfileLayer,
  catalog: PackCatalog,
): { kind: PackLayerKind; pack?: Pack } | undefined {
  const src = layerSource(layer);
  if (!src) return undefined;
  if (src.kind !== 'pack') return { kind: 'addon' };
  const pack = catalog.get(src.layer.pack, src.layer.version);
  return pack ? { kind: pack.layer, pack } : undefined;
}
