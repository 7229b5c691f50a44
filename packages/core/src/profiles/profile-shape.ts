import {
  ChartLayer,
  ClusterProfileKind,
  defineKind,
  ManifestLayer,
  PackLayerRef,
  validateObject,
  type Issue,
} from '@strata/api';
import { isPlainObject } from '../util/json.js';

// Each layer shape is checked on its own (a union error would only say "matches none"): these pseudo-kinds let the
// api's strict validator check one layer and name its unknown or missing fields.
const LAYER_KINDS = {
  pack: defineKind({
    kind: 'PackLayer',
    plural: 'packlayers',
    scope: 'tenant',
    description: 'pack layer',
    spec: PackLayerRef,
  }),
  manifest: defineKind({
    kind: 'ManifestLayer',
    plural: 'manifestlayers',
    scope: 'tenant',
    description: 'manifest layer',
    spec: ManifestLayer,
  }),
  chart: defineKind({
    kind: 'ChartLayer',
    plural: 'chartlayers',
    scope: 'tenant',
    description: 'chart layer',
    spec: ChartLayer,
  }),
};

/** Structural check of a ClusterProfile object: the envelope, the spec fields and each layer by its shape. */
export function checkProfileShape(profile: unknown): Issue[] {
  if (!isPlainObject(profile))
    return [{ path: '', message: 'a ClusterProfile must be an object', code: 'STRATA_PROFILE_INVALID' }];
  const spec = profile.spec;
  const layers = isPlainObject(spec) && Array.isArray(spec.layers) ? spec.layers : undefined;
  const envelope = layers && isPlainObject(spec) ? { ...profile, spec: { ...spec, layers: [] } } : profile;
  const issues = validateObject(ClusterProfileKind, envelope);
  if (layers && layers.length > 128) issues.push({ path: '/spec/layers', message: 'at most 128 layers' });
  (layers ?? []).slice(0, 128).forEach((layer, i) => {
    const at = `/spec/layers/${i}`;
    if (!isPlainObject(layer)) {
      issues.push({ path: at, message: 'a layer must be an object' });
      return;
    }
    const shapes = (['pack', 'manifest', 'chart'] as const).filter((k) => k in layer);
    if (shapes.length !== 1) {
      issues.push({
        path: at,
        message: shapes.length
          ? `a layer has exactly one of pack, manifest or chart; found ${shapes.join(' and ')}`
          : 'a layer needs one of "pack" (with version), "manifest" or "chart"',
      });
      return;
    }
    const kind = LAYER_KINDS[shapes[0] as keyof typeof LAYER_KINDS];
    for (const issue of validateObject(kind, { metadata: { name: 'layer' }, spec: layer })) {
      issues.push({ ...issue, path: issue.path.replace(/^\/spec/, at) });
    }
  });
  return issues.map((i) => ({ ...i, code: i.code ?? 'STRATA_PROFILE_INVALID' }));
}
