/**
 * The cluster's own objects that neither Helm, Strata nor Kubernetes itself manages: top-level objects (no owner
 * reference) outside the system namespaces, with what manages them according to `managedFields`. Pure.
 */
import type { DiscoveredWorkload } from '@strata/api';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../apply/labels.js';
import { metadataOf, type KubeObject } from '../kube/object-ref.js';
import { annotations, labels, nameOf, namespaceOf, obj, str } from './k8s-fields.js';
import { isReleaseRecord } from './helm-releases.js';

export const SYSTEM_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease'];

/** Whether a Helm release owns the object (Helm 3 labels and annotates everything it installs). */
export function helmOwned(o: KubeObject): boolean {
  return (
    labels(o)[MANAGED_BY_LABEL] === 'Helm' ||
    annotations(o)['meta.helm.sh/release-name'] !== undefined ||
    isReleaseRecord(o)
  );
}

/** Objects every cluster has, created by Kubernetes itself or its installer. */
function builtIn(o: KubeObject): boolean {
  const name = nameOf(o);
  const ns = namespaceOf(o);
  switch (o.kind) {
    case 'Namespace':
      return name === 'default' || SYSTEM_NAMESPACES.includes(name);
    case 'ConfigMap':
      return name === 'kube-root-ca.crt';
    case 'ServiceAccount':
      return name === 'default';
    case 'Service':
      return ns === 'default' && name === 'kubernetes';
    case 'ClusterRole':
    case 'ClusterRoleBinding':
    case 'Role':
    case 'RoleBinding':
      return (
        labels(o)['kubernetes.io/bootstrapping'] === 'rbac-defaults' ||
        name.startsWith('system:') ||
        name.startsWith('kubeadm:')
      );
    case 'PriorityClass':
      return name.startsWith('system-');
    default:
      return false;
  }
}

/**
 * Who manages the object: the manager of an `Apply` entry in managedFields (declarative owner), else the earliest
 * `Update` manager of the object itself (its creator: kubectl-create, kubectl-client-side-apply, ...); status-only
 * entries are controllers, not owners. Falls back to the `app.kubernetes.io/managed-by` label.
 */
export function managerOf(o: KubeObject): string | undefined {
  const fields = metadataOf(o).managedFields;
  const entries = (Array.isArray(fields) ? fields : []).map(obj).filter((e) => !str(e.subresource));
  const apply = entries.find((e) => e.operation === 'Apply' && str(e.manager));
  if (apply) return str(apply.manager);
  const updates = entries
    .filter((e) => e.operation === 'Update' && str(e.manager))
    .sort((a, b) => (str(a.time) ?? '').localeCompare(str(b.time) ?? ''));
  return str(updates[0]?.manager) ?? labels(o)[MANAGED_BY_LABEL];
}

export function isUnmanagedWorkload(o: KubeObject, excludedNamespaces: ReadonlySet<string>): boolean {
  const meta = metadataOf(o);
  const ns = namespaceOf(o);
  if (ns && excludedNamespaces.has(ns)) return false;
  if (o.kind === 'Namespace' && excludedNamespaces.has(nameOf(o))) return false;
  if (Array.isArray(meta.ownerReferences) && meta.ownerReferences.length > 0) return false;
  if (helmOwned(o) || labels(o)[MANAGED_BY_LABEL] === MANAGED_BY_VALUE) return false;
  return !builtIn(o);
}

export function toWorkload(o: KubeObject): DiscoveredWorkload {
  const ns = namespaceOf(o);
  const managedBy = managerOf(o);
  return {
    apiVersion: str(o.apiVersion) ?? '',
    kind: str(o.kind) ?? '',
    ...(ns ? { namespace: ns } : {}),
    name: nameOf(o),
    ...(managedBy ? { managedBy } : {}),
  };
}

/** By namespace (cluster-scoped first), kind, name. */
export function sortWorkloads(list: DiscoveredWorkload[]): DiscoveredWorkload[] {
  return list.sort(
    (a, b) =>
      (a.namespace ?? '').localeCompare(b.namespace ?? '') ||
      a.kind.localeCompare(b.kind) ||
      a.name.localeCompare(b.name),
  );
}
