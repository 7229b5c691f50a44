/** Helpers of the conformance suite: converging, reading nodes through the real API, watching a roll. */
import { setTimeout as sleep } from 'node:timers/promises';
import { kubeGet, kubeWatch } from '../kube-get.js';
import { NODE_POOL_LABEL, type ClusterProgress, type Provider, type ProviderCluster } from '../provider.js';

export interface NodeView {
  name: string;
  uid: string;
  pool: string;
  ready: boolean;
  labels: Record<string, string>;
  taints: { key: string; value?: string; effect: string }[];
}

interface NodeList {
  items: {
    metadata: { name: string; uid: string; labels?: Record<string, string>; deletionTimestamp?: string };
    spec?: { taints?: { key: string; value?: string; effect: string }[] };
    status?: { conditions?: { type: string; status: string }[] };
  }[];
}

/** The cluster's nodes as the API server sees them (nodes being deleted are left out). */
export async function listNodes(kubeconfig: string): Promise<NodeView[]> {
  const list = (await kubeGet(kubeconfig, '/api/v1/nodes')) as NodeList;
  return list.items
    .filter((n) => n.metadata.deletionTimestamp === undefined)
    .map((n) => ({
      name: n.metadata.name,
      uid: n.metadata.uid,
      pool: n.metadata.labels?.[NODE_POOL_LABEL] ?? '',
      ready: (n.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
      labels: n.metadata.labels ?? {},
      taints: n.spec?.taints ?? [],
    }));
}

/** Calls ensure until it reports ready (the way the controller requeues), or fails after timeoutMs. */
export async function converge(
  provider: Provider,
  cluster: ProviderCluster,
  timeoutMs: number,
): Promise<ClusterProgress> {
  const deadline = Date.now() + timeoutMs;
  let last: ClusterProgress | undefined;
  while (Date.now() < deadline) {
    last = await provider.ensure(cluster);
    if (last.ready) return last;
    await sleep(250);
  }
  throw new Error(`ensure did not converge in ${timeoutMs} ms: ${last?.message ?? 'no progress'}`);
}

type NodeItem = NodeList['items'][number];
const isReady = (n: NodeItem): boolean =>
  (n.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

/**
 * Watches a pool's nodes (every event, not samples) while `during` runs; returns the lowest number of Ready nodes
 * the pool had at any moment and the number of events seen.
 */
export async function watchPool<T>(
  kubeconfig: string,
  pool: string,
  during: () => Promise<T>,
): Promise<{ result: T; minReady: number; events: number }> {
  const selector = encodeURIComponent(`${NODE_POOL_LABEL}=${pool}`);
  const list = (await kubeGet(kubeconfig, `/api/v1/nodes?labelSelector=${selector}`)) as NodeList & {
    metadata: { resourceVersion: string };
  };
  const ready = new Map(list.items.map((n) => [n.metadata.name, isReady(n)]));
  const count = (): number => [...ready.values()].filter(Boolean).length;
  let minReady = count();
  let events = 0;
  const stop = kubeWatch(
    kubeconfig,
    `/api/v1/nodes?watch=1&labelSelector=${selector}&resourceVersion=${list.metadata.resourceVersion}`,
    (event) => {
      const node = event.object as NodeItem;
      if (event.type === 'DELETED') ready.delete(node.metadata.name);
      else if (event.type === 'ADDED' || event.type === 'MODIFIED')
        ready.set(node.metadata.name, isReady(node) && node.metadata.deletionTimestamp === undefined);
      else return;
      events++;
      minReady = Math.min(minReady, count());
    },
  );
  try {
    const result = await during();
    await sleep(500); // let the last events arrive
    return { result, minReady, events };
  } finally {
    stop();
  }
}

/** A copy of the cluster with one pool changed. */
export function withPool(
  cluster: ProviderCluster,
  pool: string,
  change: Partial<ProviderCluster['spec']['nodePools'][number]>,
): ProviderCluster {
  const next = structuredClone(cluster);
  next.spec.nodePools = next.spec.nodePools.map((p) => (p.name === pool ? { ...p, ...change } : p));
  return next;
}

/**
 * Samples a pool's nodes every `intervalMs` while `during` runs (for observers that cannot watch): the lowest number
 * of Ready nodes seen and how many samples differed from the one before. A dip shorter than the interval can be
 * missed, so keep the interval short.
 */
export async function pollPool<T>(
  nodes: () => Promise<NodeView[]>,
  pool: string,
  during: () => Promise<T>,
  intervalMs = 200,
): Promise<{ result: T; minReady: number; changes: number }> {
  const sample = async () => {
    const members = (await nodes()).filter((n) => n.pool === pool);
    return {
      ready: members.filter((n) => n.ready).length,
      key: members
        .map((n) => `${n.uid}:${String(n.ready)}`)
        .sort()
        .join(','),
    };
  };
  const first = await sample();
  let minReady = first.ready;
  let changes = 0;
  let last = first.key;
  let running = true;
  let failure: Error | undefined;
  const sampler = (async () => {
    while (running) {
      await sleep(intervalMs);
      const s = await sample();
      minReady = Math.min(minReady, s.ready);
      if (s.key !== last) changes++;
      last = s.key;
    }
  })().catch((err: unknown) => {
    failure = err instanceof Error ? err : new Error(String(err));
  });
  try {
    const result = await during();
    await sleep(intervalMs * 2); // one more sample after the end
    if (failure !== undefined) throw failure;
    return { result, minReady, changes };
  } finally {
    running = false;
    await sampler;
  }
}

/** Retries `check` (an assertion) every 250 ms until it passes or `timeoutMs` is over; then throws its last error. */
export async function eventually(check: () => Promise<void>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() >= deadline) throw err;
      await sleep(250);
    }
  }
}
