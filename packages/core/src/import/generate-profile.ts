/**
 * Import (issue 7): from what an agent discovered in a cluster to a draft ClusterProfile that describes it. Pure.
 *
 * - os / k8s / cni / csi become pack layers only when the catalog has exactly the version that runs (anything else
 *   would change the cluster on adoption); otherwise they are listed as unmatched with the reason.
 * - Every Helm release becomes a chart layer with the release's chart, version and user-supplied values; the
 *   repository comes from a catalog pack or pack source that serves that chart version. A chart nobody serves is
 *   listed as unmatched, not dropped.
 * - Selected non-Helm objects become one manifest layer per namespace, cleaned of what the API server sets.
 */
import {
  objectItem,
  type ClusterDiscovery,
  type ClusterProfileSpec,
  type DiscoveredHelmRelease,
  type PackLayerKind,
  type ProfileLayer,
} from '@strata/api';
import { stringify } from 'yaml';
import type { InMemoryPackCatalog } from '../packs/pack-catalog.js';
import type { Pack } from '../packs/pack.js';
import { cleanObject, type KubeObject } from './clean-object.js';

export interface UnmatchedItem {
  /** What was found, e.g. `cni calico 3.27.0` or `helm release shop/web (chart web 1.2.3)`. */
  item: string;
  reason: string;
}

export interface GenerateProfileInput {
  discovery: ClusterDiscovery;
  catalog: InMemoryPackCatalog;
  name: string;
  version: string;
  /** Live objects (as read from the cluster) to include as manifest layers, e.g. the user's selection. */
  objects?: readonly KubeObject[];
}

export interface GeneratedProfile {
  profile: { metadata: { name: string }; spec: ClusterProfileSpec };
  /** Which layer each discovered item became. */
  matched: { item: string; layer: string }[];
  unmatched: UnmatchedItem[];
}

const stripV = (v: string) => v.replace(/^v/, '');

function packsOfLayer(catalog: InMemoryPackCatalog, layer: PackLayerKind): Pack[] {
  return catalog.list().filter((p) => p.layer === layer);
}

/** The catalog pack for `<name>` (or `<name>-cni`, ...) with exactly this version. */
function exactPack(
  catalog: InMemoryPackCatalog,
  layer: PackLayerKind,
  names: string[],
  version: string | undefined,
): { pack?: Pack; versions: string[] } {
  const candidates = packsOfLayer(catalog, layer).filter((p) => names.includes(p.name));
  const versions = candidates.map((p) => p.version);
  if (version !== undefined) {
    return { pack: candidates.find((p) => stripV(p.version) === stripV(version)), versions };
  }
  // Without a version to compare, only a single candidate version is unambiguous.
  return candidates.length === 1 ? { pack: candidates[0], versions } : { versions };
}

/** `Ubuntu 24.04.1 LTS` → ubuntu 24.04.1; `Flatcar Container Linux by Kinvolk 3975.2.0 (Oklo)` → flatcar 3975.2.0. */
export function parseOsImage(osImage: string): { name: string; version: string } | undefined {
  const m = /^([A-Za-z]+)[^0-9]*?(\d+(?:\.\d+){1,3})/.exec(osImage.trim());
  return m ? { name: m[1]!.toLowerCase(), version: m[2]! } : undefined;
}

function chartSource(
  catalog: InMemoryPackCatalog,
  release: DiscoveredHelmRelease,
): { repository: string } | { pack: Pack } | undefined {
  for (const p of catalog.list()) {
    if (p.chart && p.chart.name === release.chart && stripV(p.chart.version) === stripV(release.version)) {
      return { repository: p.chart.repository };
    }
  }
  for (const p of catalog.list()) {
    const b = p.bundledChart;
    if (b && b.name === release.chart && stripV(b.version) === stripV(release.version)) return { pack: p };
  }
  return undefined;
}

const yamlValues = (values: Record<string, unknown>): string | undefined =>
  Object.keys(values).length === 0 ? undefined : stringify(values);

export function generateProfile(input: GenerateProfileInput): GeneratedProfile {
  const { discovery, catalog } = input;
  const layers: ProfileLayer[] = [];
  const matched: GeneratedProfile['matched'] = [];
  const unmatched: UnmatchedItem[] = [];
  const addPack = (item: string, pack: Pack) => {
    layers.push({ pack: pack.name, version: pack.version });
    matched.push({ item, layer: pack.name });
  };

  // OS: the image most nodes run.
  const images = discovery.nodePools.map((p) => p.osImage).filter((x): x is string => Boolean(x));
  const image = images[0];
  const os = image ? parseOsImage(image) : undefined;
  const osPack = os ? exactPack(catalog, 'os', [os.name], os.version) : undefined;
  if (image && osPack?.pack) addPack(`os ${image}`, osPack.pack);
  else if (image) {
    unmatched.push({
      item: `os ${image}`,
      reason: os
        ? `no OS pack ${os.name} ${os.version} in the catalog${osPack?.versions.length ? ` (has ${osPack.versions.join(', ')})` : ''}`
        : 'the OS image names no recognisable distribution and version',
    });
  }
  if (new Set(images).size > 1) {
    unmatched.push({
      item: `os images ${[...new Set(images)].join(', ')}`,
      reason: 'pools run different OS images; the profile describes the first',
    });
  }

  // Kubernetes: upstream distributions map to the kubernetes pack; k3s/rke2 to theirs; managed ones have none.
  const dist = discovery.distribution.name;
  const k8sNames = dist === 'k3s' ? ['k3s'] : dist === 'rke2' ? ['rke2'] : ['kubernetes', 'kubeadm'];
  const version = stripV(discovery.kubernetesVersion.split('+')[0] ?? discovery.kubernetesVersion);
  if (['eks', 'aks', 'gke', 'openshift'].includes(dist)) {
    unmatched.push({
      item: `kubernetes ${discovery.kubernetesVersion} (${dist})`,
      reason: `${dist} runs a managed control plane; there is no Kubernetes layer to describe it`,
    });
  } else {
    const k8s = exactPack(catalog, 'k8s', k8sNames, version);
    if (k8s.pack) addPack(`kubernetes ${discovery.kubernetesVersion} (${dist})`, k8s.pack);
    else {
      unmatched.push({
        item: `kubernetes ${discovery.kubernetesVersion} (${dist})`,
        reason: `no ${k8sNames[0]} pack ${version} in the catalog${k8s.versions.length ? ` (has ${k8s.versions.join(', ')})` : ''}`,
      });
    }
  }

  // CNI and CSI found outside Helm (a CNI installed by a Helm release becomes that release's chart layer).
  const releaseCharts = new Set(discovery.helmReleases.map((r) => r.chart));
  for (const cni of discovery.cni) {
    if (releaseCharts.has(cni.name)) continue;
    const found = exactPack(catalog, 'cni', [cni.name, `${cni.name}-cni`], cni.version);
    const item = `cni ${cni.name}${cni.version ? ` ${cni.version}` : ''}`;
    if (found.pack) addPack(item, found.pack);
    else {
      unmatched.push({
        item,
        reason: found.versions.length
          ? `the catalog has ${found.versions.join(', ')}${cni.version ? '' : ' and the running version is unknown'}; not added, adopting would change the running CNI`
          : `no CNI pack for ${cni.name} in the catalog`,
      });
    }
  }
  for (const driver of discovery.csi.drivers) {
    // ebs.csi.aws.com → aws-ebs-csi-driver is not guessable; csi.sandbox.strata.dev → sandbox-csi is.
    const names = [driver, ...driver.split('.').flatMap((l) => [l, `${l}-csi`, `${l}-csi-driver`])];
    const found = exactPack(catalog, 'csi', names, undefined);
    if (found.pack) addPack(`csi ${driver}`, found.pack);
    else {
      unmatched.push({
        item: `csi ${driver}`,
        reason: found.versions.length
          ? `the catalog has ${found.versions.join(', ')} and the running version is unknown; not added`
          : `no CSI pack for ${driver} in the catalog`,
      });
    }
  }

  // Helm releases: one chart layer each, with exactly the user's values.
  const releases = [...discovery.helmReleases].sort(
    (a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name),
  );
  for (const r of releases) {
    const item = `helm release ${r.namespace}/${r.name} (chart ${r.chart} ${r.version})`;
    const source = chartSource(catalog, r);
    const values = yamlValues(r.values);
    if (!source) {
      unmatched.push({
        item,
        reason: `no pack or pack source serves chart ${r.chart} ${r.version}; add its Helm repository as a PackSource and generate again`,
      });
      continue;
    }
    if ('repository' in source) {
      layers.push({
        name: r.name,
        namespace: r.namespace,
        chart: { repository: source.repository, name: r.chart, version: r.version },
        ...(values ? { values } : {}),
      });
    } else {
      layers.push({
        pack: source.pack.name,
        version: source.pack.version,
        name: r.name,
        namespace: r.namespace,
        ...(values ? { values } : {}),
      });
    }
    matched.push({ item, layer: r.name });
  }

  // Selected plain objects: one manifest layer per namespace, cluster-scoped ones first.
  const byNamespace = new Map<string, KubeObject[]>();
  for (const obj of input.objects ?? []) {
    const ns = obj.metadata?.namespace ?? '';
    byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), cleanObject(obj)]);
  }
  for (const ns of [...byNamespace.keys()].sort()) {
    const objects = byNamespace.get(ns)!;
    const name = ns === '' ? 'cluster-objects' : `objects-${ns}`;
    layers.push({ name, manifest: objects.map((o) => stringify(o)).join('---\n') });
    for (const o of objects) {
      matched.push({
        item: objectItem({ kind: o.kind, namespace: ns, name: o.metadata?.name ?? '' }),
        layer: name,
      });
    }
  }

  // A full profile must describe the whole infrastructure (os, k8s, cni, csi). When something is missing, the infra
  // layers found are listed instead, and the draft is an add-on profile of the releases and objects.
  const infraKinds: string[] = ['os', 'k8s', 'cni', 'csi'];
  const kindOf = (l: ProfileLayer): string =>
    ('pack' in l ? catalog.get(l.pack, l.version)?.layer : undefined) ?? 'addon';
  const found = new Set<string>(layers.map(kindOf).filter((k) => infraKinds.includes(k)));
  const complete = infraKinds.every((k) => found.has(k));
  if (!complete && found.size > 0) {
    const missing = infraKinds.filter((k) => !found.has(k)).join(', ');
    for (const l of layers.filter((x) => infraKinds.includes(kindOf(x)))) {
      const m = matched.findIndex((x) => x.layer === ('pack' in l ? l.pack : l.name));
      const item = m >= 0 ? matched.splice(m, 1)[0]!.item : 'pack' in l ? l.pack : l.name;
      unmatched.push({
        item,
        reason: `matches pack ${'pack' in l ? `${l.pack} ${l.version}` : l.name}, but a profile describes the infrastructure only with all of os, k8s, cni and csi (missing: ${missing}); left out`,
      });
    }
  }
  const kept = complete ? layers : layers.filter((l) => !infraKinds.includes(kindOf(l)));
  return {
    profile: {
      metadata: { name: input.name },
      spec: {
        type: complete ? 'full' : 'addon',
        version: input.version,
        description: `Generated from cluster discovery at ${discovery.observedAt} (${discovery.distribution.name}, Kubernetes ${discovery.kubernetesVersion}); review before publishing.`,
        layers: kept,
      },
    },
    matched,
    unmatched,
  };
}
