/** The resolved stack as `POST .../clusterprofiles/NAME/versions/V/resolve` returns it (core's ResolvedStack). */
export interface ResolvedLayerView {
  profile: { name: string; version: string };
  name: string;
  layer: string;
  type: string;
  source:
    { pack: string; version: string } | { manifest: true } | { chart: { name: string; version: string } };
  values: Record<string, unknown>;
  manifests: Record<string, unknown>[];
  helm?: { releaseName: string; namespace: string };
  hash: string;
}

export interface ResolvedStackView {
  layers: ResolvedLayerView[];
  hash: string;
  kubernetesVersion?: string;
}

export function resolvedSource(l: ResolvedLayerView): string {
  const s = l.source;
  if ('pack' in s) return `${s.pack} ${s.version}`;
  if ('chart' in s) return `chart ${s.chart.name} ${s.chart.version}`;
  return 'inline manifest';
}
