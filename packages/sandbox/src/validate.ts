/** Validation of a ClusterSpec before anything is started. Reports every problem at once. */
import { StrataError, validationError, type Issue } from '@strata/api';
import { isDns1123Label, normalizeKubernetesVersion } from './names.js';
import type { ClusterSpec } from './types.js';

const TAINT_EFFECTS = new Set(['NoSchedule', 'PreferNoSchedule', 'NoExecute']);

export interface ValidationContext {
  /** Names of clusters that already exist in the state root. */
  existingNames: ReadonlySet<string>;
  /** Kubernetes versions whose binaries are built (e.g. ['v1.36.3']). */
  availableVersions: readonly string[];
}

/** Pure check of the spec's shape (names, counts, taints). */
export function specIssues(spec: ClusterSpec): Issue[] {
  const issues: Issue[] = [];
  if (!isDns1123Label(spec.name)) {
    issues.push({
      path: '/name',
      message: `"${spec.name}" is not a valid name: use lowercase letters, digits and '-', start and end with a letter or digit, at most 63 characters (DNS-1123 label)`,
    });
  }
  if (!Array.isArray(spec.nodePools) || spec.nodePools.length === 0) {
    issues.push({ path: '/nodePools', message: 'at least one node pool is required' });
    return issues;
  }
  const seen = new Set<string>();
  spec.nodePools.forEach((pool, i) => {
    const at = `/nodePools/${i}`;
    if (!isDns1123Label(pool.name) || pool.name.length > 50) {
      issues.push({
        path: `${at}/name`,
        message: `"${pool.name}" is not a valid pool name (DNS-1123 label, at most 50 characters)`,
      });
    }
    if (seen.has(pool.name))
      issues.push({ path: `${at}/name`, message: `duplicate pool name "${pool.name}"` });
    seen.add(pool.name);
    if (!Number.isInteger(pool.count) || pool.count < 0 || pool.count > 500) {
      issues.push({ path: `${at}/count`, message: 'count must be an integer from 0 to 500' });
    }
    (pool.taints ?? []).forEach((t, j) => {
      if (!t.key || !TAINT_EFFECTS.has(t.effect)) {
        issues.push({
          path: `${at}/taints/${j}`,
          message: 'a taint needs a key and an effect of NoSchedule, PreferNoSchedule or NoExecute',
        });
      }
    });
  });
  const controlPlaneNodes = spec.nodePools
    .filter((p) => p.controlPlane)
    .reduce((sum, p) => sum + (Number.isInteger(p.count) ? p.count : 0), 0);
  if (controlPlaneNodes < 1) {
    issues.push({
      path: '/nodePools',
      message: 'at least one control-plane node is required (a pool with controlPlane: true and count >= 1)',
    });
  }
  return issues;
}

/** Throws STRATA_ALREADY_EXISTS for a duplicate name, STRATA_VALIDATION_FAILED for everything else. */
export function validateClusterSpec(spec: ClusterSpec, ctx: ValidationContext): void {
  const issues = specIssues(spec);
  if (spec.kubernetesVersion !== undefined) {
    const version = normalizeKubernetesVersion(spec.kubernetesVersion);
    if (!version || !ctx.availableVersions.includes(version)) {
      const built =
        ctx.availableVersions.length > 0
          ? ctx.availableVersions.join(', ')
          : 'none (run scripts/setup-local-k8s.sh)';
      issues.push({
        path: '/kubernetesVersion',
        message: `unknown Kubernetes version "${spec.kubernetesVersion}"; built versions: ${built}`,
      });
    }
  }
  if (issues.length > 0) {
    const summary = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
    throw validationError(issues, `invalid sandbox cluster "${spec.name}": ${summary}`);
  }
  if (ctx.existingNames.has(spec.name)) {
    throw new StrataError('STRATA_ALREADY_EXISTS', `a sandbox cluster named "${spec.name}" already exists`, [
      { path: '/name', message: 'already exists' },
    ]);
  }
}
