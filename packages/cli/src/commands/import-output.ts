import type { ClusterDiscovery, ProfileLayer } from '@strata/api';
import type { GeneratedProfileResult } from '@strata/client';
import { renderTable } from '../output/table.js';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
/** A manifest layer with at most this many objects names them (a larger one counts them by kind); a summary names as many. */
const NAMED_OBJECTS = 3;
const KINDS_SHOWN = 4;
/** Unmatched items sharing a reason are listed one per line up to this many, then summarised in one line. */
const UNMATCHED_PER_REASON = 5;

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

function layerSource(layer: ProfileLayer, objects: readonly string[]): string {
  if ('pack' in layer) return `pack ${layer.pack} ${layer.version}`;
  if ('chart' in layer)
    return `chart ${layer.chart.name} ${layer.chart.version} from ${layer.chart.repository}`;
  return manifestSource(objects);
}

/** `manifest, 2 objects: Deployment shop/web, Service shop/web`, or counted by kind when there are many. */
function manifestSource(objects: readonly string[]): string {
  if (objects.length === 0) return 'manifest';
  const head = `manifest, ${plural(objects.length, 'object')}`;
  if (objects.length <= NAMED_OBJECTS) return `${head}: ${objects.join(', ')}`;
  const byKind = new Map<string, number>();
  // Matched items of objects read `Kind namespace/name`.
  for (const item of objects) {
    const kind = item.split(' ')[0]!;
    byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
  }
  const kinds = [...byKind].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const shown = kinds.slice(0, KINDS_SHOWN).map(([kind, n]) => `${n} ${kind}`);
  const rest = kinds.slice(KINDS_SHOWN);
  if (rest.length > 0)
    shown.push(`${rest.reduce((sum, [, n]) => sum + n, 0)} of ${plural(rest.length, 'other kind')}`);
  return `${head} (${shown.join(', ')})`;
}

/** One line per item, except that a reason shared by many items gets one line naming the first few. */
function unmatchedLines(unmatched: GeneratedProfileResult['unmatched']): string[] {
  const byReason = new Map<string, string[]>();
  for (const u of unmatched) byReason.set(u.reason, [...(byReason.get(u.reason) ?? []), u.item]);
  const lines: string[] = [];
  const summarised = new Set<string>();
  for (const u of unmatched) {
    const items = byReason.get(u.reason)!;
    if (items.length <= UNMATCHED_PER_REASON) lines.push(`  ${u.item}: ${u.reason}\n`);
    else if (!summarised.has(u.reason)) {
      summarised.add(u.reason);
      const first = items.slice(0, NAMED_OBJECTS).join(', ');
      lines.push(`  ${first} and ${items.length - NAMED_OBJECTS} more (-o json lists all): ${u.reason}\n`);
    }
  }
  return lines;
}

/**
 * What `strata import --generate-profile` prints: the draft, its layers (manifest layers with their objects), and
 * everything it does not describe. `selected`: how many objects `--include`/`--include-namespace` asked for.
 */
export function generatedProfileText(
  cluster: string,
  project: string,
  g: GeneratedProfileResult,
  options: { selected?: number } = {},
): string {
  const name = g.profile.metadata.name;
  const version = g.profile.spec.version;
  const layers = g.profile.spec.layers;
  const lines = [
    `clusterprofile/${name}@${version} created (Draft, type ${g.profile.spec.type}) from cluster/${cluster}`,
    layers.length > 0 ? `Layers (${layers.length}):` : 'Layers: none',
  ];
  const objectsOf = (l: ProfileLayer) =>
    'manifest' in l ? g.matched.filter((m) => m.layer === l.name).map((m) => m.item) : [];
  const layerRows = layers.map((l, i) => [
    `${i + 1}.`,
    'name' in l && l.name ? l.name : 'pack' in l ? l.pack : '?',
    layerSource(l, objectsOf(l)),
  ]);
  const out = [lines.join('\n'), '\n'];
  if (layerRows.length > 0)
    out.push(indent(renderTable({ headers: ['', '', ''], rows: layerRows, showHeaders: false })));
  if (options.selected !== undefined) {
    const manifests = layers.filter((l) => 'manifest' in l);
    const copied = manifests.reduce((sum, l) => sum + objectsOf(l).length, 0);
    const missing = options.selected - copied;
    out.push(
      `Objects: ${copied} of ${options.selected} selected copied into ${plural(manifests.length, 'manifest layer')}` +
        (missing > 0 ? `; ${missing} not (see Unmatched)\n` : '\n'),
    );
  }
  if (g.unmatched.length === 0) out.push('Unmatched: none; the profile describes everything discovered.\n');
  else {
    out.push(`Unmatched (${g.unmatched.length}; not in the profile):\n`);
    out.push(...unmatchedLines(g.unmatched));
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
