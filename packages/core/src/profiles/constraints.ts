import type { Issue, PackDependency } from '@strata/api';
import semver from 'semver';
import type { Pack } from '../packs/pack.js';

export interface StackEntry {
  /** JSON pointer of the layer (e.g. /spec/layers/2). */
  path: string;
  pack: Pack;
}

export interface CheckConstraintsOptions {
  /**
   * When false (an addon profile checked on its own), requirements on packs that are not in the list and the
   * Kubernetes range are not checked: the infra profile of each cluster provides them, and resolution checks them.
   */
  complete: boolean;
}

/** The Kubernetes version of a stack: the version of its k8s layer, as plain semver (1.33.4+k3s1 → 1.33.4). */
export function stackKubernetesVersion(entries: readonly StackEntry[]): string | undefined {
  const k8s = entries.find((e) => e.pack.layer === 'k8s');
  return k8s ? (semver.coerce(k8s.pack.version)?.version ?? undefined) : undefined;
}

/** Checks requires / optional / conflicts (semver ranges) and the supported Kubernetes range of every pack. */
export function checkConstraints(entries: readonly StackEntry[], options: CheckConstraintsOptions): Issue[] {
  const issues: Issue[] = [];
  const add = (path: string, message: string) =>
    issues.push({ path, message, code: 'STRATA_PACK_CONSTRAINT' });
  const byName = new Map(entries.map((e) => [e.pack.name, e]));
  const k8s = stackKubernetesVersion(entries);
  const satisfies = (version: string, range: string | undefined) =>
    range === undefined ||
    semver.satisfies(semver.coerce(version, { includePrerelease: true })?.version ?? version, range, {
      includePrerelease: true,
    });
  const label = (d: PackDependency) => `${d.pack}${d.range ? ` ${d.range}` : ''}`;

  for (const { path, pack } of entries) {
    const c = pack.constraints;
    if (!c) continue;
    const who = `${pack.name}@${pack.version}`;
    for (const d of c.requires ?? []) {
      const other = byName.get(d.pack);
      if (!other) {
        if (options.complete)
          add(
            `${path}/pack`,
            `${who} requires ${label(d)}, which is not in the stack${d.reason ? ` (${d.reason})` : ''}`,
          );
      } else if (!satisfies(other.pack.version, d.range)) {
        add(
          `${other.path}/version`,
          `${who} requires ${label(d)}; the stack has ${d.pack}@${other.pack.version}`,
        );
      }
    }
    for (const d of c.optional ?? []) {
      const other = byName.get(d.pack);
      if (other && !satisfies(other.pack.version, d.range))
        add(
          `${other.path}/version`,
          `${who} works with ${label(d)}; the stack has ${d.pack}@${other.pack.version}`,
        );
    }
    for (const d of c.conflicts ?? []) {
      const other = byName.get(d.pack);
      if (other && satisfies(other.pack.version, d.range))
        add(
          `${path}/pack`,
          `${who} conflicts with ${d.pack}@${other.pack.version} (layer ${other.path.split('/').pop()})${d.reason ? `: ${d.reason}` : ''}`,
        );
    }
    if (c.kubernetes && k8s && !satisfies(k8s, c.kubernetes)) {
      issues.push({
        path: `${path}/version`,
        message: `${who} supports Kubernetes ${c.kubernetes}; the stack's k8s layer is ${k8s}`,
        code: 'STRATA_KUBERNETES_VERSION',
      });
    }
  }
  return issues;
}
