/**
 * Cluster discovery (import, issue 7): what runs in a cluster Strata did not build, as a `ClusterDiscovery`. Read
 * only — GETs and LISTs, nothing else — so it runs the same in read-only mode.
 *
 * Every kind is listed once for all namespaces (pages of 500), a few lists in flight at a time; custom resources are
 * listed per CRD as soon as the CRD list arrives. Helm releases are decoded from their storage records, only the
 * newest revision of each, several at a time. Kinds the API server does not serve are skipped; kinds the agent may
 * not list are skipped with a warning.
 */
import type { ClusterDiscovery, DiscoveredWorkload } from '@strata/api';
import { isPlainObject } from '@strata/core';
import { AgentError, errorMessage, throwIfAborted } from '../errors.js';
import { credentialsFromKubeconfig, credentialsFromKubeconfigFile } from '../kube/credentials.js';
import { KubeClient } from '../kube/kube-client.js';
import type { KubeObject } from '../kube/object-ref.js';
import { detectCni, detectCsi, detectIngress } from './addons.js';
import { detectDistribution } from './distribution.js';
import { HELM_OWNER_SELECTOR, decodeReleases, discovered, isReleaseRecord } from './helm-releases.js';
import { nameOf, namespaceOf, obj, str } from './k8s-fields.js';
import { groupNodePools } from './node-pools.js';
import { SYSTEM_NAMESPACES, isUnmanagedWorkload, sortWorkloads, toWorkload } from './workloads.js';

export interface DiscoverOptions {
  /** The agent's own namespace, left out of workloads like the system namespaces. Default strata-system. */
  agentNamespace?: string;
  /** Lists in flight at once. Default 6. */
  concurrency?: number;
  /** Helm releases decoded at once. Default 8. */
  decodeConcurrency?: number;
  /** At most this many workloads are reported (the report must stay well under the server's 1 MB). Default 5,000. */
  maxWorkloads?: number;
  signal?: AbortSignal;
  now?: () => number;
}

export interface DiscoveryResult {
  discovery: ClusterDiscovery;
  /** What could not be read (forbidden kinds, undecodable releases, truncation), for the log. */
  warnings: string[];
}

interface KindSpec {
  apiVersion: string;
  kind: string;
  plural: string;
  namespaced: boolean;
  labelSelector?: string;
  /** Reported as workloads when unmanaged. */
  workload: boolean;
}

const k = (
  apiVersion: string,
  kind: string,
  plural: string,
  namespaced: boolean,
  workload: boolean,
  labelSelector?: string,
): KindSpec => ({
  apiVersion,
  kind,
  plural,
  namespaced,
  workload,
  ...(labelSelector ? { labelSelector } : {}),
});

/** The built-in kinds discovery reads (each listed once). */
export const BUILT_IN_KINDS: KindSpec[] = [
  // First the lists others wait on: CRDs (their custom resources are listed next) and Helm's release records.
  k('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'customresourcedefinitions', false, true),
  // Only Helm's release records: other Secrets are neither read nor reported.
  k('v1', 'Secret', 'secrets', true, false, HELM_OWNER_SELECTOR),
  k('v1', 'ConfigMap', 'configmaps', true, true),
  k('v1', 'Node', 'nodes', false, false),
  k('v1', 'Namespace', 'namespaces', false, true),
  k('apps/v1', 'DaemonSet', 'daemonsets', true, true),
  k('apps/v1', 'Deployment', 'deployments', true, true),
  k('apps/v1', 'StatefulSet', 'statefulsets', true, true),
  k('v1', 'Service', 'services', true, true),
  k('v1', 'ServiceAccount', 'serviceaccounts', true, true),
  k('v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', true, true),
  k('batch/v1', 'CronJob', 'cronjobs', true, true),
  k('batch/v1', 'Job', 'jobs', true, true),
  k('networking.k8s.io/v1', 'Ingress', 'ingresses', true, true),
  k('networking.k8s.io/v1', 'NetworkPolicy', 'networkpolicies', true, true),
  k('networking.k8s.io/v1', 'IngressClass', 'ingressclasses', false, false),
  k('rbac.authorization.k8s.io/v1', 'Role', 'roles', true, true),
  k('rbac.authorization.k8s.io/v1', 'RoleBinding', 'rolebindings', true, true),
  k('rbac.authorization.k8s.io/v1', 'ClusterRole', 'clusterroles', false, true),
  k('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'clusterrolebindings', false, true),
  k('policy/v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true, true),
  k('autoscaling/v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', true, true),
  k('scheduling.k8s.io/v1', 'PriorityClass', 'priorityclasses', false, true),
  k('storage.k8s.io/v1', 'CSIDriver', 'csidrivers', false, false),
  k('storage.k8s.io/v1', 'StorageClass', 'storageclasses', false, false),
];

/** The kind a CRD serves (its storage version), to list its custom resources. */
function crdKind(crd: KubeObject): KindSpec | undefined {
  const spec = obj(crd.spec);
  const group = str(spec.group);
  const names = obj(spec.names);
  const plural = str(names.plural);
  const kind = str(names.kind);
  const versions = (Array.isArray(spec.versions) ? spec.versions : [])
    .map(obj)
    .filter((v) => v.served === true);
  const version = str((versions.find((v) => v.storage === true) ?? versions[0])?.name);
  if (!group || !plural || !kind || !version) return undefined;
  return k(`${group}/${version}`, kind, plural, spec.scope === 'Namespaced', true);
}

/** A tiny semaphore: at most `n` of the wrapped calls run at once. */
function limiter(n: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: (() => void)[] = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>((resolve) => queue.push(resolve));
    active++;
    try {
      return await fn();
    } finally {
      active--;
      queue.shift()?.();
    }
  };
}

class Lister {
  readonly warnings: string[] = [];
  examined = 0;

  private readonly kube: KubeClient;
  private readonly limit: <T>(fn: () => Promise<T>) => Promise<T>;
  private readonly signal: AbortSignal | undefined;

  constructor(
    kube: KubeClient,
    limit: <T>(fn: () => Promise<T>) => Promise<T>,
    signal: AbortSignal | undefined,
  ) {
    this.kube = kube;
    this.limit = limit;
    this.signal = signal;
  }

  /** Every object of a kind in all namespaces (paginated); [] when the kind is not served or not allowed. */
  async list(spec: KindSpec): Promise<KubeObject[]> {
    const base = spec.apiVersion.includes('/') ? `/apis/${spec.apiVersion}` : `/api/${spec.apiVersion}`;
    const path = `${base}/${spec.plural}`;
    const items: KubeObject[] = [];
    let cont: string | undefined;
    do {
      throwIfAborted(this.signal);
      const res = await this.limit(() =>
        this.kube.transport.request({
          method: 'GET',
          path,
          query: { limit: 500, continue: cont, labelSelector: spec.labelSelector },
          ...(this.signal ? { signal: this.signal } : {}),
        }),
      );
      if (res.status === 404) return [];
      if (res.status === 403 || res.status === 401) {
        this.warnings.push(`cannot list ${spec.kind} (${spec.apiVersion}): forbidden`);
        return [];
      }
      if (res.status === 410 && cont) {
        // The continue token expired mid-list: start over (rare; large lists on a busy cluster).
        items.length = 0;
        cont = undefined;
        continue;
      }
      if (res.status >= 400)
        throw new AgentError('KubeApiError', `discovery: list ${spec.kind}: HTTP ${res.status}`, {
          retriable: true,
        });
      const body = obj(res.body);
      for (const item of Array.isArray(body.items) ? body.items : [])
        if (isPlainObject(item)) items.push({ apiVersion: spec.apiVersion, kind: spec.kind, ...item });
      const next = str(obj(body.metadata).continue);
      cont = next;
    } while (cont);
    this.examined += items.length;
    return items;
  }
}

/** One discovery over an existing client (the agent's). */
export async function runDiscovery(
  kube: KubeClient,
  options: DiscoverOptions = {},
): Promise<DiscoveryResult> {
  const now = options.now ?? Date.now;
  const started = now();
  const signal = options.signal;
  const lister = new Lister(kube, limiter(options.concurrency ?? 6), signal);
  const excluded = new Set([...SYSTEM_NAMESPACES, options.agentNamespace ?? 'strata-system']);

  const versionP = kube.serverVersion(signal);
  const lists = new Map<string, Promise<KubeObject[]>>();
  for (const spec of BUILT_IN_KINDS) lists.set(spec.kind, lister.list(spec));
  const of = (kind: string): Promise<KubeObject[]> => lists.get(kind)!;
  // Custom resources: one list per CRD, started as soon as the CRDs are known.
  const customP = of('CustomResourceDefinition').then((crds) =>
    Promise.all(
      crds
        .map(crdKind)
        .filter((s): s is KindSpec => s !== undefined)
        .map((s) =>
          lister.list(s).catch((error: unknown) => {
            if (signal?.aborted) throw error;
            lister.warnings.push(`cannot list ${s.kind} (${s.apiVersion}): ${errorMessage(error)}`);
            return [];
          }),
        ),
    ),
  );
  // Releases are decoded while the remaining lists are still arriving.
  const releasesP = Promise.all([of('Secret'), of('ConfigMap')]).then(([secrets, configMaps]) =>
    decodeReleases([...secrets, ...configMaps.filter(isReleaseRecord)], options.decodeConcurrency ?? 8),
  );

  // Everything started above is awaited below; if one fails first, the others must not become unhandled rejections.
  for (const p of [versionP, customP, releasesP, ...lists.values()]) p.catch(() => undefined);
  const [kubernetesVersion, entries, custom, releases] = await Promise.all([
    versionP,
    Promise.all(BUILT_IN_KINDS.map(async (spec) => [spec, await of(spec.kind)] as const)),
    customP,
    releasesP,
  ]);
  const byKind = new Map(entries.map(([spec, items]) => [spec.kind, items]));
  lister.warnings.push(...releases.warnings);
  const items = (kind: string): KubeObject[] => byKind.get(kind) ?? [];

  const nodes = items('Node');
  const daemonSets = items('DaemonSet');
  const workloadObjects = [
    ...entries.filter(([spec]) => spec.workload).flatMap(([, list]) => list),
    ...custom.flat(),
  ];
  let workloads: DiscoveredWorkload[] = sortWorkloads(
    workloadObjects.filter((o) => isUnmanagedWorkload(o, excluded)).map(toWorkload),
  );
  const warnings = lister.warnings;
  const maxWorkloads = options.maxWorkloads ?? 5000;
  if (workloads.length > maxWorkloads) {
    warnings.push(`${workloads.length} workloads found; only the first ${maxWorkloads} are reported`);
    workloads = workloads.slice(0, maxWorkloads);
  }

  const discovery: ClusterDiscovery = {
    observedAt: new Date(now()).toISOString(),
    durationMs: 0,
    kubernetesVersion: kubernetesVersion ?? '',
    distribution: detectDistribution({
      kubernetesVersion: kubernetesVersion ?? '',
      nodes,
      kubeadmConfig: items('ConfigMap').some(
        (c) => namespaceOf(c) === 'kube-system' && nameOf(c) === 'kubeadm-config',
      ),
      daemonSets,
    }),
    nodePools: groupNodePools(nodes),
    cni: detectCni(daemonSets, items('CustomResourceDefinition')),
    csi: detectCsi(items('CSIDriver'), items('StorageClass')),
    ingress: detectIngress(items('IngressClass'), [...items('Deployment'), ...daemonSets]),
    helmReleases: releases.releases.map(discovered),
    workloads,
    counts: { objects: lister.examined, namespaces: items('Namespace').length, nodes: nodes.length },
  };
  discovery.durationMs = Math.max(0, Math.round(now() - started));
  return { discovery, warnings };
}

/**
 * One discovery of the cluster a kubeconfig points at (a file, or its text), without an agent. Only the
 * kubeconfig's current context is used; the connection is closed afterwards.
 */
export async function discoverCluster(
  source: { kubeconfigPath: string } | { kubeconfig: string },
  options: DiscoverOptions = {},
): Promise<DiscoveryResult> {
  const kube = new KubeClient(
    'kubeconfigPath' in source
      ? credentialsFromKubeconfigFile(source.kubeconfigPath)
      : credentialsFromKubeconfig(source.kubeconfig),
  );
  try {
    return await runDiscovery(kube, options);
  } finally {
    kube.close();
  }
}
