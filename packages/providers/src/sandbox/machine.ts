/**
 * What a sandbox node of a pool looks like: labels, taints, capacity, and the machine hash that tells a node
 * built for the current spec from an outdated one (OS image, Kubernetes version, machine shape).
 */
import { createHash } from 'node:crypto';
import type { V1Node } from '@kubernetes/client-node';
import type { NodePool } from '@strata/api';
import { NODE_POOL_LABEL, type ProviderCluster } from '@strata/provider-sdk';
import { CONTROL_PLANE_ROLE, DEFAULT_NODE_CAPACITY, KWOK_NODE_ANNOTATION, poolTaints } from '@strata/sandbox';

/** Hash of the machine a node was built for; a node whose label differs is outdated (repave replaces it). */
export const MACHINE_HASH_LABEL = 'strata.dev/machine-hash';
/** The Kubernetes version the node was built for (simulated kubelet version). */
export const NODE_VERSION_LABEL = 'strata.dev/kubernetes-version';
/** Annotation with the user label keys the provider applied (so removed labels can be taken off in place). */
export const APPLIED_LABELS_ANNOTATION = 'strata.dev/applied-labels';
const INSTANCE_TYPE_LABEL = 'node.kubernetes.io/instance-type';

export function machineHash(cluster: ProviderCluster, pool: NodePool): string {
  const machine = {
    os: cluster.osImage ?? '',
    kubernetesVersion: cluster.kubernetesVersion,
    instanceType: pool.instanceType ?? '',
    cpu: pool.cpu ?? '',
    memory: pool.memory ?? '',
    controlPlane: pool.controlPlane === true,
  };
  return createHash('sha256').update(JSON.stringify(machine)).digest('hex').slice(0, 16);
}

/** Labels owned by the provider (everything but the user's pool labels). */
export function systemLabels(cluster: ProviderCluster, pool: NodePool): Record<string, string> {
  return {
    [NODE_POOL_LABEL]: pool.name,
    [MACHINE_HASH_LABEL]: machineHash(cluster, pool),
    [NODE_VERSION_LABEL]: cluster.kubernetesVersion,
    ...(pool.instanceType ? { [INSTANCE_TYPE_LABEL]: pool.instanceType } : {}),
  };
}

export function poolCapacity(pool: NodePool): Record<string, string> {
  return {
    ...DEFAULT_NODE_CAPACITY,
    ...(pool.cpu === undefined ? {} : { cpu: pool.cpu }),
    ...(pool.memory === undefined ? {} : { memory: pool.memory }),
  };
}

/** The Node object for a member of the pool, as the provider creates it. */
export function nodeFor(cluster: ProviderCluster, pool: NodePool, name: string): V1Node {
  const capacity = poolCapacity(pool);
  const taints = poolTaints(pool);
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        type: 'kwok',
        ...(pool.controlPlane ? { [CONTROL_PLANE_ROLE]: '' } : {}),
        ...(pool.labels ?? {}),
        ...systemLabels(cluster, pool),
      },
      annotations: {
        [KWOK_NODE_ANNOTATION]: 'fake',
        'node.alpha.kubernetes.io/ttl': '0',
        [APPLIED_LABELS_ANNOTATION]: JSON.stringify(Object.keys(pool.labels ?? {}).sort()),
      },
    },
    spec: taints.length > 0 ? { taints } : {},
    status: { capacity, allocatable: capacity, nodeInfo: nodeInfo(cluster.kubernetesVersion) },
  };
}

function nodeInfo(version: string): NonNullable<V1Node['status']>['nodeInfo'] {
  return {
    kubeletVersion: version,
    kubeProxyVersion: version,
    architecture: 'amd64',
    operatingSystem: 'linux',
    bootID: '',
    containerRuntimeVersion: 'kwok',
    kernelVersion: 'kwok',
    machineID: '',
    osImage: 'kwok',
    systemUUID: '',
  };
}
