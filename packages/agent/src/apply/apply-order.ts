/**
 * The order objects of one layer are applied in: definitions and containers before what lives in them (CRDs and
 * Namespaces first, then policy, identity, config, storage, RBAC, services, workloads, and finally custom
 * resources), keeping the manifest's order within a kind. Deletion runs the same order backwards.
 */
const KIND_ORDER = [
  'CustomResourceDefinition',
  'Namespace',
  'PriorityClass',
  'ResourceQuota',
  'LimitRange',
  'NetworkPolicy',
  'PodDisruptionBudget',
  'ServiceAccount',
  'Secret',
  'ConfigMap',
  'StorageClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'ClusterRole',
  'ClusterRoleBinding',
  'Role',
  'RoleBinding',
  'Service',
  'DaemonSet',
  'Pod',
  'ReplicaSet',
  'Deployment',
  'HorizontalPodAutoscaler',
  'StatefulSet',
  'Job',
  'CronJob',
  'IngressClass',
  'Ingress',
  'APIService',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
];
const RANK = new Map(KIND_ORDER.map((k, i) => [k, i]));

function rank(o: { kind?: unknown }): number {
  return RANK.get(typeof o.kind === 'string' ? o.kind : '') ?? KIND_ORDER.length;
}

/** A stable sort by kind rank (unknown kinds, i.e. custom resources, last). */
export function applyOrder<T extends { kind?: unknown }>(objects: readonly T[]): T[] {
  return objects
    .map((o, i) => ({ o, i }))
    .sort((a, b) => rank(a.o) - rank(b.o) || a.i - b.i)
    .map((x) => x.o);
}

export function deleteOrder<T extends { kind?: unknown }>(objects: readonly T[]): T[] {
  return applyOrder(objects).reverse();
}

export function isCrd(o: { apiVersion?: unknown; kind?: unknown }): boolean {
  return (
    o.kind === 'CustomResourceDefinition' &&
    typeof o.apiVersion === 'string' &&
    o.apiVersion.startsWith('apiextensions.k8s.io/')
  );
}
