/** Node objects of one pool on a sandbox cluster, reached through the real API server. */
import { setTimeout as sleep } from 'node:timers/promises';
import { CoreV1Api, KubeConfig, type V1Node } from '@kubernetes/client-node';
import type { NodePool } from '@strata/api';
import { NODE_POOL_LABEL, transient, type ProviderCluster } from '@strata/provider-sdk';
import { isNodeReady, poolTaints } from '@strata/sandbox';
import { APPLIED_LABELS_ANNOTATION, nodeFor } from './machine.js';

export function coreApi(kubeconfig: string): CoreV1Api {
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfig);
  return kc.makeApiClient(CoreV1Api);
}

const hasCode = (err: unknown, code: number): boolean =>
  typeof err === 'object' && err !== null && 'code' in err && err.code === code;

/** Member `index` of a pool (the sandbox runtime's naming, so both agree on which nodes exist). */
export const memberName = (pool: string, index: number): string => `${pool}-${index}`;
/** A temporary surge node that stands in for member `index` while it is replaced. */
export const surgeName = (pool: string, index: number): string => `${pool}-surge-${index}`;

export async function poolNodes(api: CoreV1Api, pool: string): Promise<V1Node[]> {
  const list = await api.listNode({ labelSelector: `${NODE_POOL_LABEL}=${pool}` });
  return list.items.filter((n) => n.metadata?.deletionTimestamp === undefined);
}

export async function createNode(api: CoreV1Api, node: V1Node): Promise<void> {
  try {
    await api.createNode({ body: node });
  } catch (err) {
    if (!hasCode(err, 409)) throw err;
  }
}

/** Deletes a node and waits until it is gone from the API. */
export async function deleteNode(api: CoreV1Api, name: string, timeoutMs = 30_000): Promise<void> {
  try {
    await api.deleteNode({ name });
  } catch (err) {
    if (!hasCode(err, 404)) throw err;
  }
  await waitFor(`node ${name} to be gone`, timeoutMs, async () => {
    try {
      await api.readNode({ name });
      return false;
    } catch (err) {
      if (hasCode(err, 404)) return true;
      throw err;
    }
  });
}

export async function waitNodesReady(
  api: CoreV1Api,
  names: readonly string[],
  timeoutMs = 60_000,
): Promise<void> {
  await waitFor(`nodes ${names.join(', ')} to be Ready`, timeoutMs, async () => {
    const nodes = await Promise.all(names.map((name) => api.readNode({ name }).catch(() => undefined)));
    return nodes.every((n) => n !== undefined && isNodeReady(n));
  });
}

export async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw transient(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

/** Creates missing members 0..count-1 and deletes the rest (highest first); waits until the members are Ready. */
export async function reconcilePoolCount(
  api: CoreV1Api,
  cluster: ProviderCluster,
  pool: NodePool,
  timeoutMs: number,
): Promise<void> {
  const existing = new Set((await poolNodes(api, pool.name)).map((n) => n.metadata?.name ?? ''));
  const wanted = Array.from({ length: pool.count }, (_, i) => memberName(pool.name, i));
  for (const name of wanted) if (!existing.has(name)) await createNode(api, nodeFor(cluster, pool, name));
  const extra = [...existing]
    .filter((n) => !wanted.includes(n))
    .sort()
    .reverse();
  for (const name of extra) await deleteNode(api, name, timeoutMs);
  await waitNodesReady(api, wanted, timeoutMs);
}

/** Taints the node lifecycle controller manages (not-ready, unreachable, ...): never touched by the provider. */
const isSystemTaint = (key: string): boolean => key.startsWith('node.kubernetes.io/');

/** The node with the pool's labels and taints, or undefined when it already has them. */
function withPoolMetadata(node: V1Node, pool: NodePool): V1Node | undefined {
  const desiredLabels = pool.labels ?? {};
  const appliedKeys = JSON.stringify(Object.keys(desiredLabels).sort());
  const meta = node.metadata ?? {};
  const labels = { ...(meta.labels ?? {}) };
  const previous = JSON.parse(meta.annotations?.[APPLIED_LABELS_ANNOTATION] ?? '[]') as string[];
  for (const key of previous) if (!(key in desiredLabels)) delete labels[key];
  Object.assign(labels, desiredLabels);
  const current = node.spec?.taints ?? [];
  const taints = [...current.filter((t) => isSystemTaint(t.key)), ...poolTaints(pool)];
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
  if (
    same(Object.entries(labels).sort(), Object.entries(meta.labels ?? {}).sort()) &&
    same(taints, current) &&
    meta.annotations?.[APPLIED_LABELS_ANNOTATION] === appliedKeys
  ) {
    return undefined;
  }
  return {
    ...node,
    metadata: {
      ...meta,
      labels,
      annotations: { ...(meta.annotations ?? {}), [APPLIED_LABELS_ANNOTATION]: appliedKeys },
    },
    spec: { ...(node.spec ?? {}), taints },
  };
}

/** Applies the pool's labels and taints to its existing nodes in place (no repave); retries write conflicts. */
export async function applyLabelsAndTaints(api: CoreV1Api, pool: NodePool): Promise<void> {
  for (const listed of await poolNodes(api, pool.name)) {
    const name = listed.metadata?.name ?? '';
    let node: V1Node = listed;
    for (let attempt = 0; ; attempt++) {
      const next = withPoolMetadata(node, pool);
      if (!next) break;
      try {
        await api.replaceNode({ name, body: next });
        break;
      } catch (err) {
        if (!hasCode(err, 409) || attempt >= 4) throw err;
        node = await api.readNode({ name }); // kwok updated the node meanwhile: apply on the fresh copy
      }
    }
  }
}
