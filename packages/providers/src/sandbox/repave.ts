/**
 * Rolling replacement of a pool's outdated nodes on a sandbox cluster. Members keep their names (`<pool>-<i>`,
 * the sandbox runtime's naming), so each replacement goes through a surge node:
 * surge node (new machine) Ready → old member deleted → member recreated (new machine) Ready → surge node deleted.
 * With maxSurge 0 (maxUnavailable ≥ 1) a member is deleted and recreated in place instead.
 * Idempotent: only nodes whose machine hash differs are touched; a leftover surge node is removed.
 */
import type { CoreV1Api } from '@kubernetes/client-node';
import type { NodePool } from '@strata/api';
import { rollingBudget } from '@strata/core';
import type { ProviderCluster } from '@strata/provider-sdk';
import { MACHINE_HASH_LABEL, machineHash, nodeFor } from './machine.js';
import { createNode, deleteNode, memberName, poolNodes, surgeName, waitNodesReady } from './pool-nodes.js';

async function replaceBatch(
  api: CoreV1Api,
  cluster: ProviderCluster,
  pool: NodePool,
  indices: number[],
  surge: boolean,
  timeoutMs: number,
): Promise<void> {
  const members = indices.map((i) => memberName(pool.name, i));
  if (surge) {
    const surges = indices.map((i) => surgeName(pool.name, i));
    for (const name of surges) await createNode(api, nodeFor(cluster, pool, name));
    await waitNodesReady(api, surges, timeoutMs);
  }
  for (const name of members) await deleteNode(api, name, timeoutMs);
  for (const name of members) await createNode(api, nodeFor(cluster, pool, name));
  await waitNodesReady(api, members, timeoutMs);
  if (surge) for (const i of indices) await deleteNode(api, surgeName(pool.name, i), timeoutMs);
}

export async function repavePoolNodes(
  api: CoreV1Api,
  cluster: ProviderCluster,
  pool: NodePool,
  timeoutMs: number,
): Promise<void> {
  const hash = machineHash(cluster, pool);
  const nodes = await poolNodes(api, pool.name);
  for (const n of nodes) {
    const name = n.metadata?.name ?? '';
    if (name.startsWith(`${pool.name}-surge-`)) await deleteNode(api, name, timeoutMs);
  }
  const outdated = nodes
    .filter((n) => n.metadata?.labels?.[MACHINE_HASH_LABEL] !== hash)
    .map((n) => n.metadata?.name ?? '')
    .map((name) => Number(name.slice(pool.name.length + 1)))
    .filter((i) => Number.isInteger(i) && i >= 0 && i < pool.count)
    .sort((a, b) => a - b);
  const { maxSurge, maxUnavailable } = rollingBudget(pool);
  const surge = maxSurge > 0;
  const batch = Math.max(1, surge ? maxSurge : maxUnavailable);
  for (let i = 0; i < outdated.length; i += batch) {
    await replaceBatch(api, cluster, pool, outdated.slice(i, i + batch), surge, timeoutMs);
  }
}
