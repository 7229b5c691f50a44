/**
 * Semantic checks of a Cluster spec that a JSON schema cannot express. Pure; reports every problem at once
 * with JSON pointers relative to the object (`/spec/nodePools/1/count`).
 */
import type { ClusterSpec, Issue } from '@strata/api';

/** The type of each attached profile version (same order as spec.profiles; undefined = not found). */
export type AttachedProfileType = 'infra' | 'addon' | 'full' | undefined;

export interface ClusterSpecIssuesOptions {
  /** Providers this server knows; unchecked when omitted. */
  providers?: readonly string[];
  /**
   * Types of the attached profile versions, index-aligned with spec.profiles. When given, exactly one
   * infra or full profile is required. Missing versions are reported by the caller (reference check).
   */
  profileTypes?: readonly AttachedProfileType[];
  /** Pointer prefix of the spec (default '/spec'). */
  path?: string;
}

function poolIssues(spec: ClusterSpec, at: string): Issue[] {
  const issues: Issue[] = [];
  const seen = new Map<string, number>();
  spec.nodePools.forEach((pool, i) => {
    const p = `${at}/nodePools/${i}`;
    const first = seen.get(pool.name);
    if (first !== undefined) {
      issues.push({
        path: `${p}/name`,
        message: `duplicate node pool name "${pool.name}" (also at ${at}/nodePools/${first})`,
      });
    } else seen.set(pool.name, i);
    if (pool.min !== undefined && pool.count < pool.min) {
      issues.push({ path: `${p}/count`, message: `count ${pool.count} is below min ${pool.min}` });
    }
    if (pool.max !== undefined && pool.count > pool.max) {
      issues.push({ path: `${p}/count`, message: `count ${pool.count} is above max ${pool.max}` });
    }
    if (pool.min !== undefined && pool.max !== undefined && pool.min > pool.max) {
      issues.push({ path: `${p}/min`, message: `min ${pool.min} is above max ${pool.max}` });
    }
    if (pool.controlPlane && pool.count > 1 && pool.count % 2 === 0) {
      issues.push({
        path: `${p}/count`,
        message: `a control-plane pool needs an odd count (etcd quorum); ${pool.count} is even`,
      });
    }
    if (pool.controlPlane && pool.count < 1) {
      issues.push({ path: `${p}/count`, message: 'a control-plane pool needs at least one node' });
    }
    if (pool.instanceType !== undefined && (pool.cpu !== undefined || pool.memory !== undefined)) {
      issues.push({
        path: `${p}/instanceType`,
        message: 'give either instanceType or cpu/memory, not both',
      });
    }
  });
  if (!spec.nodePools.some((p) => p.controlPlane)) {
    issues.push({
      path: `${at}/nodePools`,
      message: 'no control-plane pool: one pool needs controlPlane: true',
    });
  }
  return issues;
}

function profileIssues(spec: ClusterSpec, at: string, types: readonly AttachedProfileType[]): Issue[] {
  const infra = types.map((t, i) => ({ t, i })).filter(({ t }) => t === 'infra' || t === 'full');
  if (infra.length === 0) {
    return [
      {
        path: `${at}/profiles`,
        message:
          'no infra profile: attach exactly one profile of type infra or full (OS, Kubernetes, CNI, CSI)',
      },
    ];
  }
  const issues: Issue[] = infra.slice(1).map(({ i }) => ({
    path: `${at}/profiles/${i}`,
    message: `two infra profiles: "${spec.profiles?.[i]?.name ?? ''}" and "${spec.profiles?.[infra[0]?.i ?? 0]?.name ?? ''}"; attach exactly one profile of type infra or full`,
  }));
  return [...issues, ...duplicateProfiles(spec, at)];
}

function duplicateProfiles(spec: ClusterSpec, at: string): Issue[] {
  const issues: Issue[] = [];
  const seen = new Map<string, number>();
  (spec.profiles ?? []).forEach((ref, i) => {
    if (seen.has(ref.name)) {
      issues.push({ path: `${at}/profiles/${i}/name`, message: `profile "${ref.name}" is attached twice` });
    } else seen.set(ref.name, i);
  });
  return issues;
}

/** The provider name of clusters Strata did not build. */
export const IMPORTED_PROVIDER = 'imported';

function importIssues(spec: ClusterSpec, at: string): Issue[] {
  const issues: Issue[] = [];
  if (!spec.import) {
    issues.push({
      path: `${at}/import`,
      message: 'an imported cluster needs import.mode (read-only or full)',
    });
  } else if ((spec.import.connect ?? 'server') === 'server' && spec.kubeconfig === undefined) {
    issues.push({
      path: `${at}/kubeconfig`,
      message:
        'connect "server" needs the cluster\'s kubeconfig (or use connect "manifest" and apply the agent manifest)',
    });
  }
  if (spec.nodePools.length > 0) {
    issues.push({
      path: `${at}/nodePools`,
      message:
        'an imported cluster has no managed node pools: its nodes are discovered; leave nodePools empty',
    });
  }
  return issues;
}

/** Every semantic problem of a Cluster spec (pools, provider, attached profile types). */
export function clusterSpecIssues(spec: ClusterSpec, options: ClusterSpecIssuesOptions = {}): Issue[] {
  const at = options.path ?? '/spec';
  const issues: Issue[] = [];
  if (options.providers && !options.providers.includes(spec.provider)) {
    issues.push({
      path: `${at}/provider`,
      message: `unknown provider "${spec.provider}"; known providers: ${options.providers.join(', ') || 'none'}`,
    });
  }
  if (spec.provider === IMPORTED_PROVIDER) {
    // Strata did not build the cluster: no pools to manage, and profiles are optional (add-ons, or a generated one).
    issues.push(...importIssues(spec, at));
    if (options.profileTypes) issues.push(...duplicateProfiles(spec, at));
    return issues;
  }
  if (spec.import !== undefined) {
    issues.push({
      path: `${at}/import`,
      message: `only clusters of provider "${IMPORTED_PROVIDER}" are imported`,
    });
  }
  if (spec.kubeconfig !== undefined) {
    issues.push({
      path: `${at}/kubeconfig`,
      message: `a kubeconfig is given only for provider "${IMPORTED_PROVIDER}"; the provider makes its own`,
    });
  }
  issues.push(...poolIssues(spec, at));
  if (options.profileTypes) issues.push(...profileIssues(spec, at, options.profileTypes));
  return issues;
}
