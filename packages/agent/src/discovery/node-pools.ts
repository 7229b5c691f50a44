/**
 * Nodes grouped into the pools they most likely came from: the distribution's pool label when there is one
 * (Strata's, EKS node groups, GKE node pools, AKS agent pools, Karpenter node pools), else role and machine shape
 * (instance type, CPU, memory). Each pool reports what its nodes share. Pure.
 */
import type { DiscoveredNodePool, DiscoveredTaint } from '@strata/api';
import type { KubeObject } from '../kube/object-ref.js';
import { labels, mode, obj, str } from './k8s-fields.js';

export const POOL_LABELS = [
  'strata.dev/node-pool',
  'eks.amazonaws.com/nodegroup',
  'cloud.google.com/gke-nodepool',
  'kubernetes.azure.com/agentpool',
  'karpenter.sh/nodepool',
] as const;
const INSTANCE_TYPE = 'node.kubernetes.io/instance-type';
const CONTROL_PLANE_ROLES = ['node-role.kubernetes.io/control-plane', 'node-role.kubernetes.io/master'];

/** Labels that name one node, not a pool (dropped even when a one-node pool "shares" them). */
const PER_NODE_LABEL =
  /(^|\/)(hostname|instance-id|node-name|machine-id|machine)$|^(topology\.kubernetes\.io|failure-domain\.beta\.kubernetes\.io)\/zone$|^topology\.[a-z0-9.-]+\/zone$/;

/** Taints the system sets and lifts by itself (conditions, autoscaler marks), not part of a pool's definition. */
function transientTaint(key: string): boolean {
  return (
    key.startsWith('node.kubernetes.io/') ||
    key.startsWith('node.cloudprovider.kubernetes.io/') ||
    key === 'ToBeDeletedByClusterAutoscaler' ||
    key === 'DeletionCandidateOfClusterAutoscaler'
  );
}

const EFFECTS = new Set(['NoSchedule', 'PreferNoSchedule', 'NoExecute']);

function taintsOf(node: KubeObject): DiscoveredTaint[] {
  const list = obj(node.spec).taints;
  const out: DiscoveredTaint[] = [];
  for (const t of Array.isArray(list) ? list : []) {
    const taint = obj(t);
    const key = str(taint.key);
    const effect = str(taint.effect);
    if (!key || !effect || !EFFECTS.has(effect) || transientTaint(key)) continue;
    const value = str(taint.value);
    out.push({ key, ...(value ? { value } : {}), effect: effect as DiscoveredTaint['effect'] });
  }
  return out;
}

export function isReady(node: KubeObject): boolean {
  const conditions = obj(node.status).conditions;
  return (Array.isArray(conditions) ? conditions : []).some(
    (c) => obj(c).type === 'Ready' && obj(c).status === 'True',
  );
}

function isControlPlane(l: Record<string, string>): boolean {
  return CONTROL_PLANE_ROLES.some((r) => r in l);
}

/** A role from `node-role.kubernetes.io/<role>` other than the control plane. */
function roleOf(l: Record<string, string>): string | undefined {
  for (const k of Object.keys(l)) {
    const m = /^node-role\.kubernetes\.io\/(.+)$/.exec(k);
    if (m && !CONTROL_PLANE_ROLES.includes(k)) return m[1];
  }
  return undefined;
}

const sanitize = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^-+|-+$/g, '');

interface Group {
  name: string;
  /** A name that tells this group from another with the same base name. */
  detail: string;
  controlPlane: boolean;
  nodes: KubeObject[];
}

export function groupNodePools(nodes: readonly KubeObject[]): DiscoveredNodePool[] {
  const groups = new Map<string, Group>();
  for (const node of nodes) {
    const l = labels(node);
    const capacity = obj(obj(node.status).capacity);
    const cpu = str(capacity.cpu) ?? '';
    const memory = str(capacity.memory) ?? '';
    const controlPlane = isControlPlane(l);
    const poolLabel = POOL_LABELS.find((k) => l[k]);
    let key: string;
    let name: string;
    let detail: string;
    if (poolLabel) {
      name = l[poolLabel]!;
      key = `label:${poolLabel}=${name}:${controlPlane}`;
      detail = controlPlane ? 'control-plane' : 'workers';
    } else {
      const instanceType = l[INSTANCE_TYPE] ?? '';
      const role = roleOf(l);
      name = controlPlane ? 'control-plane' : (role ?? 'workers');
      key = `shape:${controlPlane}:${role ?? ''}:${instanceType}:${cpu}:${memory}`;
      detail = instanceType || `${cpu}cpu-${memory}`;
    }
    const g = groups.get(key);
    if (g) g.nodes.push(node);
    else groups.set(key, { name, detail, controlPlane, nodes: [node] });
  }

  // Unique names: a base name shared by several groups gets the group's detail, then a counter.
  const byName = new Map<string, Group[]>();
  for (const g of groups.values()) byName.set(g.name, [...(byName.get(g.name) ?? []), g]);
  const used = new Set<string>();
  const pools: DiscoveredNodePool[] = [];
  for (const g of groups.values()) {
    let name = g.name;
    if ((byName.get(g.name)?.length ?? 0) > 1) name = sanitize(`${g.name}-${g.detail}`) || g.name;
    for (let i = 2; used.has(name); i++) name = `${g.name}-${i}`;
    used.add(name);
    pools.push(poolOf(name, g));
  }
  return pools.sort(
    (a, b) => Number(b.controlPlane) - Number(a.controlPlane) || a.name.localeCompare(b.name),
  );
}

function poolOf(name: string, g: Group): DiscoveredNodePool {
  const all = g.nodes.map(labels);
  const common: Record<string, string> = {};
  for (const [k, v] of Object.entries(all[0] ?? {}))
    if (!PER_NODE_LABEL.test(k) && all.every((l) => l[k] === v)) common[k] = v;
  const taintKey = (t: DiscoveredTaint): string => `${t.key}=${t.value ?? ''}:${t.effect}`;
  const perNode = g.nodes.map((n) => taintsOf(n));
  const taints = (perNode[0] ?? []).filter((t) =>
    perNode.every((list) => list.some((x) => taintKey(x) === taintKey(t))),
  );
  const status = g.nodes.map((n) => obj(n.status));
  const capacity = status.map((s) => obj(s.capacity));
  const info = status.map((s) => obj(s.nodeInfo));
  const instanceType = mode(all.map((l) => l[INSTANCE_TYPE]));
  const cpu = mode(capacity.map((c) => str(c.cpu)));
  const memory = mode(capacity.map((c) => str(c.memory)));
  const osImage = mode(info.map((i) => str(i.osImage)));
  const kubeletVersion = mode(info.map((i) => str(i.kubeletVersion)));
  return {
    name,
    controlPlane: g.controlPlane,
    count: g.nodes.length,
    ready: g.nodes.filter(isReady).length,
    ...(instanceType ? { instanceType } : {}),
    ...(cpu ? { cpu } : {}),
    ...(memory ? { memory } : {}),
    ...(osImage ? { osImage } : {}),
    ...(kubeletVersion ? { kubeletVersion } : {}),
    labels: common,
    taints,
  };
}
