import type { JsonObject } from '../util/json.js';

/** Read-only facts filled at deploy time (SPEC.md §1), as `{{ .system.<path> }}`. */
export interface SystemValues {
  cluster?: { name?: string; uid?: string };
  project?: { name?: string };
  tenant?: { name?: string };
  kubernetes?: { version?: string };
  provider?: string;
  region?: string;
}

/** Every system value path a template may reference. */
export const SYSTEM_VALUE_PATHS = [
  'cluster.name',
  'cluster.uid',
  'project.name',
  'tenant.name',
  'kubernetes.version',
  'provider',
  'region',
] as const;

/** Placeholder system values used when checking templates before a cluster exists. */
export function sampleSystemValues(kubernetesVersion = '1.36.3'): JsonObject {
  return {
    cluster: { name: 'cluster', uid: '00000000-0000-0000-0000-000000000000' },
    project: { name: 'project' },
    tenant: { name: 'tenant' },
    kubernetes: { version: kubernetesVersion },
    provider: 'sandbox',
    region: 'local',
  };
}

export function isSystemValuePath(path: readonly string[]): boolean {
  return (SYSTEM_VALUE_PATHS as readonly string[]).includes(path.join('.'));
}

/** Converts SystemValues to a template context object (drops undefined members). */
export function systemContext(system: SystemValues | undefined): JsonObject {
  return JSON.parse(JSON.stringify(system ?? {})) as JsonObject;
}
