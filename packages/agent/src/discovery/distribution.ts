/**
 * Which Kubernetes distribution runs the cluster, from what it leaves behind: the server version suffix (`+k3s1`,
 * `+rke2r1`, `-eks-`, `-gke.`), node labels, annotations and provider IDs, and kubeadm's ConfigMap. Every hint is
 * kept as an evidence string; the most specific distribution with evidence wins. Pure.
 */
import type { Distribution } from '@strata/api';
import type { KubeObject } from '../kube/object-ref.js';
import { annotations, labels, nameOf, obj, str } from './k8s-fields.js';

export interface DistributionInput {
  kubernetesVersion: string;
  nodes: readonly KubeObject[];
  /** ConfigMap kube-system/kubeadm-config exists. */
  kubeadmConfig: boolean;
  /** DaemonSets of every namespace (kind's kindnet). */
  daemonSets: readonly KubeObject[];
}

/** Most specific first: a kind cluster is also a kubeadm cluster, rke2 nodes may look like k3s ones. */
const PRECEDENCE: Distribution[] = [
  'sandbox',
  'kind',
  'openshift',
  'rke2',
  'k3s',
  'eks',
  'aks',
  'gke',
  'kubeadm',
];

export function detectDistribution(input: DistributionInput): {
  name: Distribution;
  evidence: string[];
} {
  const evidence = new Map<Distribution, string[]>();
  const add = (d: Distribution, text: string): void => {
    evidence.set(d, [...(evidence.get(d) ?? []), text]);
  };
  const v = input.kubernetesVersion;
  if (/\+k3s/.test(v)) add('k3s', `server version ${v}`);
  if (/\+rke2/.test(v)) add('rke2', `server version ${v}`);
  if (/-eks-/.test(v)) add('eks', `server version ${v}`);
  if (/-gke\./.test(v)) add('gke', `server version ${v}`);

  const total = input.nodes.length;
  // Per hint, how many nodes show it; one evidence line per hint.
  const counted = new Map<string, { d: Distribution; n: number }>();
  const count = (d: Distribution, text: string): void => {
    const c = counted.get(text);
    if (c) c.n++;
    else counted.set(text, { d, n: 1 });
  };
  const cloud = { aws: 0, azure: 0, gce: 0 };
  for (const node of input.nodes) {
    const l = labels(node);
    const a = annotations(node);
    const providerID = str(obj(node.spec).providerID) ?? '';
    if (a['kwok.x-k8s.io/node'] === 'fake') count('sandbox', 'annotation kwok.x-k8s.io/node=fake');
    if (providerID.startsWith('kind://')) count('kind', 'providerID kind://');
    if (l['node.openshift.io/os_id']) count('openshift', 'label node.openshift.io/os_id');
    if (Object.keys(a).some((k) => k.startsWith('rke2.io/'))) count('rke2', 'annotations rke2.io/*');
    if (Object.keys(a).some((k) => k.startsWith('k3s.io/'))) count('k3s', 'annotations k3s.io/*');
    if (l['node.kubernetes.io/instance-type'] === 'k3s')
      count('k3s', 'label node.kubernetes.io/instance-type=k3s');
    if (l['node.kubernetes.io/instance-type'] === 'rke2')
      count('rke2', 'label node.kubernetes.io/instance-type=rke2');
    if (l['eks.amazonaws.com/nodegroup']) count('eks', 'label eks.amazonaws.com/nodegroup');
    if (l['eks.amazonaws.com/compute-type']) count('eks', 'label eks.amazonaws.com/compute-type');
    if (l['kubernetes.azure.com/agentpool']) count('aks', 'label kubernetes.azure.com/agentpool');
    if (l['kubernetes.azure.com/cluster']) count('aks', 'label kubernetes.azure.com/cluster');
    if (l['cloud.google.com/gke-nodepool']) count('gke', 'label cloud.google.com/gke-nodepool');
    if (providerID.startsWith('aws://')) cloud.aws++;
    if (providerID.startsWith('azure://')) cloud.azure++;
    if (providerID.startsWith('gce://')) cloud.gce++;
  }
  for (const [text, { d, n }] of counted) add(d, `${n} of ${total} nodes: ${text}`);

  const kindnet = input.daemonSets.find((ds) => nameOf(ds) === 'kindnet');
  if (kindnet && input.nodes.some((n) => /-control-plane$/.test(nameOf(n))))
    add('kind', 'DaemonSet kindnet and a node named *-control-plane');
  if (input.kubeadmConfig) add('kubeadm', 'ConfigMap kube-system/kubeadm-config');

  // A cloud provider ID alone means the managed offering, unless kubeadm built the cluster on those machines.
  const providerHints: [Distribution, number, string][] = [
    ['eks', cloud.aws, 'aws://'],
    ['aks', cloud.azure, 'azure://'],
    ['gke', cloud.gce, 'gce://'],
  ];
  for (const [d, n, prefix] of providerHints) {
    if (n === 0) continue;
    const text = `${n} of ${total} nodes: providerID ${prefix}`;
    if (evidence.has(d) || !input.kubeadmConfig) add(d, text);
    else add('kubeadm', text);
  }

  const name = PRECEDENCE.find((d) => evidence.has(d)) ?? 'unknown';
  return {
    name,
    evidence:
      name === 'unknown'
        ? ['no distribution-specific version suffix, node labels, provider IDs or kubeadm-config found']
        : evidence.get(name)!,
  };
}
