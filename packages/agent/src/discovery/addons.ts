/**
 * The cluster's network, storage and ingress add-ons, from the objects they create: CNI node DaemonSets (and CRD
 * groups), CSIDriver and StorageClass objects, IngressClasses and well-known ingress controller workloads. Pure.
 */
import type { ClusterDiscovery } from '@strata/api';
import type { KubeObject } from '../kube/object-ref.js';
import {
  annotations,
  imagesOf,
  labels,
  nameOf,
  namespaceOf,
  obj,
  qualified,
  str,
  versionTag,
} from './k8s-fields.js';

interface CniRule {
  name: string;
  /** DaemonSet names (exact). */
  daemonSets: string[];
  /** Image path fragments (`calico/node`, matched against `.../calico/node:tag`). */
  images: string[];
  /** CRD API groups only this CNI installs. */
  crdGroups: string[];
  /** Whether the image tag is the CNI's version (not for the sandbox CNI, whose image is `pause`). */
  versionFromImage: boolean;
}

/** In order of precedence: canal runs calico and flannel images in one DaemonSet, so it comes first. */
const CNI_RULES: CniRule[] = [
  { name: 'canal', daemonSets: ['canal'], images: [], crdGroups: [], versionFromImage: true },
  {
    name: 'calico',
    daemonSets: ['calico-node'],
    images: ['calico/node'],
    crdGroups: ['crd.projectcalico.org', 'projectcalico.org'],
    versionFromImage: true,
  },
  {
    name: 'cilium',
    daemonSets: ['cilium'],
    images: ['cilium/cilium'],
    crdGroups: ['cilium.io'],
    versionFromImage: true,
  },
  {
    name: 'flannel',
    daemonSets: ['kube-flannel-ds', 'kube-flannel'],
    images: ['flannel/flannel', 'flannel-io/flannel'],
    crdGroups: [],
    versionFromImage: true,
  },
  {
    name: 'weave',
    daemonSets: ['weave-net'],
    images: ['weaveworks/weave-kube', 'weave-kube'],
    crdGroups: [],
    versionFromImage: true,
  },
  { name: 'kindnet', daemonSets: ['kindnet'], images: ['kindnetd'], crdGroups: [], versionFromImage: true },
  {
    name: 'antrea',
    daemonSets: ['antrea-agent'],
    images: ['antrea/antrea-agent', 'antrea/antrea-ubuntu'],
    crdGroups: ['crd.antrea.io'],
    versionFromImage: true,
  },
  {
    name: 'aws-vpc-cni',
    daemonSets: ['aws-node'],
    images: ['amazon-k8s-cni'],
    crdGroups: [],
    versionFromImage: true,
  },
  {
    name: 'azure-cni',
    daemonSets: ['azure-cns'],
    images: ['azure-cns'],
    crdGroups: [],
    versionFromImage: true,
  },
  // Strata's sandbox CNI (packs/sandbox-cni): DaemonSet sandbox-cni-node, label app.kubernetes.io/name=sandbox-cni.
  { name: 'sandbox', daemonSets: ['sandbox-cni-node'], images: [], crdGroups: [], versionFromImage: false },
];

function imageMatches(image: string, fragment: string): boolean {
  const repo = image.split('@')[0]!.replace(/:[^/:]*$/, '');
  return repo === fragment || repo.endsWith(`/${fragment}`);
}

function matchesCni(rule: CniRule, ds: KubeObject): boolean {
  if (rule.daemonSets.includes(nameOf(ds))) return true;
  if (rule.name === 'sandbox' && labels(ds)['app.kubernetes.io/name'] === 'sandbox-cni') return true;
  return imagesOf(ds).some((image) => rule.images.some((f) => imageMatches(image, f)));
}

function workloadVersion(rule: CniRule, ds: KubeObject): string | undefined {
  const label = labels(ds)['app.kubernetes.io/version'];
  if (label) return label;
  if (!rule.versionFromImage) return undefined;
  const images = imagesOf(ds);
  const own = images.find((i) => rule.images.some((f) => imageMatches(i, f)));
  for (const image of own ? [own, ...images] : images) {
    const tag = versionTag(image);
    if (tag) return tag;
  }
  return undefined;
}

export function detectCni(
  daemonSets: readonly KubeObject[],
  crds: readonly KubeObject[],
): ClusterDiscovery['cni'] {
  const found = new Map<string, ClusterDiscovery['cni'][number]>();
  for (const rule of CNI_RULES) {
    const ds = daemonSets.find((d) => matchesCni(rule, d));
    if (ds) {
      const version = workloadVersion(rule, ds);
      const image = imagesOf(ds)[0];
      found.set(rule.name, {
        name: rule.name,
        ...(version ? { version } : {}),
        evidence: `DaemonSet ${qualified(ds)}${image ? ` (image ${image})` : ''}`,
      });
      continue;
    }
    const groups = new Set(
      crds
        .map((c) => str(obj(c.spec).group))
        .filter((g): g is string => g !== undefined && rule.crdGroups.includes(g)),
    );
    if (groups.size > 0)
      found.set(rule.name, { name: rule.name, evidence: `CRDs of group ${[...groups].sort().join(', ')}` });
  }
  // canal is calico + flannel: report it alone.
  if (found.has('canal')) {
    found.delete('calico');
    found.delete('flannel');
  }
  return [...found.values()];
}

const DEFAULT_CLASS = [
  'storageclass.kubernetes.io/is-default-class',
  'storageclass.beta.kubernetes.io/is-default-class',
];

export function detectCsi(
  csiDrivers: readonly KubeObject[],
  storageClasses: readonly KubeObject[],
): ClusterDiscovery['csi'] {
  return {
    drivers: csiDrivers.map(nameOf).sort(),
    storageClasses: storageClasses
      .map((sc) => ({
        name: nameOf(sc),
        provisioner: str(sc.provisioner) ?? '',
        default: DEFAULT_CLASS.some((a) => annotations(sc)[a] === 'true'),
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

/** IngressClass `spec.controller` → controller name. */
const CONTROLLERS: [RegExp, string][] = [
  [/^k8s\.io\/ingress-nginx$/, 'ingress-nginx'],
  [/^nginx\.org\//, 'nginx-ingress'],
  [/^traefik\.io\//, 'traefik'],
  [/^haproxy\.org\//, 'haproxy-ingress'],
  [/^haproxy-ingress\.github\.io\//, 'haproxy-ingress'],
  [/^projectcontour\.io\//, 'contour'],
  [/^ingress\.k8s\.aws\//, 'aws-load-balancer-controller'],
  [/^istio\.io\//, 'istio'],
  [/^(ingress-controllers\.)?konghq\.com\//, 'kong'],
  [/^getambassador\.io\//, 'emissary'],
  [/^networking\.gke\.io\//, 'gke-ingress'],
  [/^azure\/application-gateway$/, 'application-gateway'],
];

/** Controller workloads by image path fragment. */
const INGRESS_IMAGES: [string, string][] = [
  ['ingress-nginx/controller', 'ingress-nginx'],
  ['ingress-nginx/controller-chroot', 'ingress-nginx'],
  ['nginx/nginx-ingress', 'nginx-ingress'],
  ['traefik', 'traefik'],
  ['haproxytech/kubernetes-ingress', 'haproxy-ingress'],
  ['jcmoraisjr/haproxy-ingress', 'haproxy-ingress'],
  ['projectcontour/contour', 'contour'],
  ['eks/aws-load-balancer-controller', 'aws-load-balancer-controller'],
  ['kong/kubernetes-ingress-controller', 'kong'],
  ['emissary-ingress/emissary', 'emissary'],
];

export function detectIngress(
  ingressClasses: readonly KubeObject[],
  workloads: readonly KubeObject[],
): ClusterDiscovery['ingress'] {
  const found = new Map<string, { namespace?: string; evidence: string[] }>();
  const note = (name: string, evidence: string, namespace?: string): void => {
    const f = found.get(name) ?? { evidence: [] };
    if (namespace && !f.namespace) f.namespace = namespace;
    f.evidence.push(evidence);
    found.set(name, f);
  };
  for (const w of workloads) {
    const image = imagesOf(w).find((i) => INGRESS_IMAGES.some(([f]) => imageMatches(i, f)));
    const istioGateway = nameOf(w) === 'istio-ingressgateway';
    if (!image && !istioGateway) continue;
    const name = istioGateway ? 'istio' : INGRESS_IMAGES.find(([f]) => imageMatches(image!, f))![1];
    note(name, `${str(w.kind) ?? ''} ${qualified(w)}${image ? ` (image ${image})` : ''}`, namespaceOf(w));
  }
  for (const ic of ingressClasses) {
    const controller = str(obj(ic.spec).controller) ?? '';
    const name = CONTROLLERS.find(([re]) => re.test(controller))?.[1] ?? (controller || nameOf(ic));
    const isDefault = annotations(ic)['ingressclass.kubernetes.io/is-default-class'] === 'true';
    note(
      name,
      `IngressClass ${nameOf(ic)} (controller ${controller || 'unset'}${isDefault ? ', default' : ''})`,
    );
  }
  return [...found.entries()]
    .map(([name, f]) => ({
      name,
      ...(f.namespace ? { namespace: f.namespace } : {}),
      evidence: f.evidence.join('; '),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
