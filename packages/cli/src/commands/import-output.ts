import type { ClusterDiscovery, ProfileLayer } from '@strata/api';
import type { GeneratedProfileResult } from '@strata/client';
import { renderTable } from '../output/table.js';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The short text `strata import --wait` prints once the agent's discovery report arrived. */
export function discoverySummary(cluster: string, d: ClusterDiscovery): string {
  const ready = d.nodePools.reduce((sum, p) => sum + p.ready, 0);
  const pools = d.nodePools.map((p) => {
    const shape = [p.instanceType, p.cpu && `${p.cpu} CPU`, p.memory].filter(Boolean).join(', ');
    return `${p.name} (${plural(p.count, 'node')}${p.controlPlane ? ', control plane' : ''}${shape ? `, ${shape}` : ''})`;
  });
  const cni = d.cni.map((c) => (c.version ? `${c.name} ${c.version}` : c.name));
  const classes = d.csi.storageClasses.map((s) => (s.default ? `${s.name} (default)` : s.name));
  const csi = [
    d.csi.drivers.length > 0 ? d.csi.drivers.join(', ') : 'no CSI drivers',
    classes.length > 0 ? `storage classes ${classes.join(', ')}` : 'no storage classes',
  ].join('; ');
  const releases = d.helmReleases.map(
    (r) => `${r.namespace}/${r.name} (${r.chart} ${r.version}, ${r.status})`,
  );
  const rows: [string, string][] = [
    [
      'Distribution',
      `${d.distribution.name}${d.distribution.evidence[0] ? ` (${d.distribution.evidence[0]})` : ''}`,
    ],
    ['Kubernetes', d.kubernetesVersion],
    ['Nodes', `${d.counts.nodes} (${ready} ready)`],
    ['Node pools', pools.join('; ') || 'none'],
    ['CNI', cni.join(', ') || 'not recognised'],
    ['CSI', csi],
    ['Ingress', d.ingress.map((i) => i.name).join(', ') || 'none'],
    ['Helm releases', releases.length > 0 ? `${releases.length}: ${releases.join(', ')}` : 'none'],
    [
      'Other objects',
      `${plural(d.workloads.length, 'object')} outside Helm, ${plural(d.counts.namespaces, 'namespace')}`,
    ],
  ];
  return (
    `Discovered in cluster/${cluster} (${d.observedAt}, ${d.durationMs} ms):\n` +
    indent(renderTable({ headers: ['', ''], rows: rows.map(([k, v]) => [`${k}:`, v]), showHeaders: false }))
  );
}

function layerSource(layer: ProfileLayer): string {
  if ('pack' in layer) return `pack ${layer.pack} ${layer.version}`;
  if ('chart' in layer)
    return `chart ${layer.chart.name} ${layer.chart.version} from ${layer.chart.repository}`;
  return 'manifest';
}

/** What `strata import --generate-profile` prints: the draft, its layers, and everything it does not describe. */
export function generatedProfileText(cluster: string, project: string, g: GeneratedProfileResult): string {
  const name = g.profile.metadata.name;
  const version = g.profile.spec.version;
  const layers = g.profile.spec.layers;
  const lines = [
    `clusterprofile/${name}@${version} created (Draft, type ${g.profile.spec.type}) from cluster/${cluster}`,
    layers.length > 0 ? `Layers (${layers.length}):` : 'Layers: none',
  ];
  const layerRows = layers.map((l, i) => [
    `${i + 1}.`,
    'name' in l && l.name ? l.name : 'pack' in l ? l.pack : '?',
    layerSource(l),
  ]);
  const out = [lines.join('\n'), '\n'];
  if (layerRows.length > 0)
    out.push(indent(renderTable({ headers: ['', '', ''], rows: layerRows, showHeaders: false })));
  if (g.unmatched.length === 0) out.push('Unmatched: none; the profile describes everything discovered.\n');
  else {
    out.push(`Unmatched (${g.unmatched.length}; not in the profile):\n`);
    for (const u of g.unmatched) out.push(`  ${u.item}: ${u.reason}\n`);
  }
  out.push(
    `Review it: strata get clusterprofile ${name} --version ${version} -p ${project} -o yaml\n` +
      `Publish it: strata profile publish ${name} --version ${version} -p ${project}\n`,
  );
  return out.join('');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => (line ? `  ${line}` : line))
    .join('\n');
}
