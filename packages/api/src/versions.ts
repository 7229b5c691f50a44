import semver from 'semver';

/**
 * Orders versions by semver precedence (1.10.0 after 1.9.0, a pre-release before its release, a leading `v`
 * allowed), with build metadata (`+k3s1`) only breaking ties so that a sort is total. Text that is not a version
 * sorts first, in natural order among itself. The one version comparison of Strata (server, providers, console).
 */
export function compareVersions(a: string, b: string): number {
  const x = semver.parse(a, { loose: true });
  const y = semver.parse(b, { loose: true });
  if (x && y) return semver.compareBuild(x, y, { loose: true });
  if (x) return 1;
  if (y) return -1;
  return a.localeCompare(b, 'en', { numeric: true });
}
