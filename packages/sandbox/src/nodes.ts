/** Node objects for the node pools; kwok (annotation selector) makes them Ready and keeps their leases. */
import { CoreV1Api, KubeConfig, type V1Node, type V1Taint } from '@kubernetes/client-node';
import { KWOK_NODE_ANNOTATION } from './components.js';
import type { NodePoolSpec } from './types.js';

export const POOL_LABEL = 'strata.dev/node-pool';
export const CONTROL_PLANE_ROLE = 'node-role.kubernetes.io/control-plane';
/** What a kwok node offers when its pool does not say. */
export const DEFAULT_NODE_CAPACITY: Readonly<Record<string, string>> = {
  cpu: '8',
  memory: '32Gi',
  pods: '110',
  'ephemeral-storage': '100Gi',
};

export function nodeName(pool: string, index: number): string {
  return `${pool}-${index}`;
}

/** The Node object for member `index` of `pool`. */
export function nodeManifest(pool: NodePoolSpec, index: number): V1Node {
  const name = nodeName(pool.name, index);
  const labels: Record<string, string> = {
    'kubernetes.io/hostname': name,
    'kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    type: 'kwok',
    [POOL_LABEL]: pool.name,
    ...(pool.controlPlane ? { [CONTROL_PLANE_ROLE]: '' } : {}),
    ...(pool.labels ?? {}),
  };
  const taints = poolTaints(pool);
  const capacity = { ...DEFAULT_NODE_CAPACITY, ...(pool.capacity ?? {}) };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels,
      annotations: { [KWOK_NODE_ANNOTATION]: 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
    },
    spec: taints.length > 0 ? { taints } : {},
    status: { capacity, allocatable: capacity },
  };
}

/** The taints of a pool's nodes: the pool's own, plus NoSchedule on the control-plane role for control-plane pools. */
export function poolTaints(pool: Pick<NodePoolSpec, 'taints' | 'controlPlane'>): V1Taint[] {
  const taints: V1Taint[] = (pool.taints ?? []).map((t) => ({
    key: t.key,
    effect: t.effect,
    ...(t.value === undefined ? {} : { value: t.value }),
  }));
  if (pool.controlPlane && !taints.some((t) => t.key === CONTROL_PLANE_ROLE)) {
    taints.push({ key: CONTROL_PLANE_ROLE, effect: 'NoSchedule' });
  }
  return taints;
}

function isNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && err.code === 404;
}
function isConflict(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && err.code === 409;
}

export function coreApi(kubeconfigText: string): CoreV1Api {
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfigText);
  return kc.makeApiClient(CoreV1Api);
}

/** Makes the pool have exactly `pool.count` nodes (creates missing indices, deletes the highest extra ones). */
export async function reconcilePoolNodes(api: CoreV1Api, pool: NodePoolSpec): Promise<void> {
  const existing = await api.listNode({ labelSelector: `${POOL_LABEL}=${pool.name}` });
  const have = new Set(existing.items.map((n) => n.metadata?.name ?? ''));
  for (let i = 0; i < pool.count; i++) {
    if (have.has(nodeName(pool.name, i))) continue;
    try {
      await api.createNode({ body: nodeManifest(pool, i) });
    } catch (err) {
      if (!isConflict(err)) throw err;
    }
  }
  const wanted = new Set(Array.from({ length: pool.count }, (_, i) => nodeName(pool.name, i)));
  for (const name of have) {
    if (wanted.has(name)) continue;
    try {
      await api.deleteNode({ name });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

export function isNodeReady(node: V1Node): boolean {
  return (node.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** Counts Ready nodes, optionally of one pool. */
export async function readyNodeCount(
  api: CoreV1Api,
  pool?: string,
): Promise<{ ready: number; total: number }> {
  const list = await api.listNode(pool ? { labelSelector: `${POOL_LABEL}=${pool}` } : {});
  return { ready: list.items.filter(isNodeReady).length, total: list.items.length };
}
