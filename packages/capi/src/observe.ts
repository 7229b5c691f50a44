/**
 * What Cluster API reports about one rendered cluster, folded into Strata's terms (pure): infrastructure and control
 * plane readiness, per pool desired/ready/up-to-date replicas and versions, and — when something is wrong — the CAPI
 * object and condition that say why.
 */
import { isPlainObject, type JsonValue } from '@strata/core';

export interface ObservedObject {
  kind: string;
  metadata: {
    name: string;
    labels?: Record<string, string>;
    deletionTimestamp?: string;
    generation?: number;
  };
  spec?: Record<string, JsonValue>;
  status?: Record<string, JsonValue>;
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

export interface PoolObservation {
  name: string;
  desired: number;
  replicas: number;
  ready: number;
  upToDate: number;
  /** Version the pool's MachineDeployment (or KCP) asks for. */
  version?: string;
  /** The controller has seen the latest spec (`status.observedGeneration` is the object's generation). */
  current: boolean;
}

/** A condition that explains why the cluster is not (yet) what was asked, with the object that reports it. */
export interface Problem {
  object: string;
  condition: string;
  reason: string;
  message: string;
}

export interface ClusterObservation {
  exists: boolean;
  infrastructureReady: boolean;
  controlPlaneInitialized: boolean;
  controlPlaneReady: boolean;
  available: boolean;
  controlPlane?: PoolObservation;
  pools: PoolObservation[];
  /** The version the control plane runs (KCP status.version), once it reports one. */
  kubernetesVersion?: string;
  endpoint?: string;
  paused: boolean;
  problems: Problem[];
}

export function conditions(object: ObservedObject | undefined): Condition[] {
  const list = object?.status?.['conditions'];
  if (!Array.isArray(list)) return [];
  return list.flatMap((c) =>
    isPlainObject(c) && typeof c['type'] === 'string' && typeof c['status'] === 'string'
      ? [
          {
            type: c['type'],
            status: c['status'] as Condition['status'],
            ...(typeof c['reason'] === 'string' ? { reason: c['reason'] } : {}),
            ...(typeof c['message'] === 'string' ? { message: c['message'] } : {}),
          },
        ]
      : [],
  );
}

function isTrue(object: ObservedObject | undefined, type: string): boolean {
  return conditions(object).some((c) => c.type === type && c.status === 'True');
}

function int(value: JsonValue | undefined): number {
  return typeof value === 'number' && Number.isInteger(value) ? value : 0;
}

function str(value: JsonValue | undefined): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Conditions whose falseness is worth a message (positive polarity in CAPI v1beta2). */
const PROBLEM_CONDITIONS = [
  'InfrastructureReady',
  'ControlPlaneAvailable',
  'WorkersAvailable',
  'Available',
  'Ready',
];

function problems(object: ObservedObject | undefined): Problem[] {
  if (!object) return [];
  return conditions(object)
    .filter((c) => c.status === 'False' && PROBLEM_CONDITIONS.includes(c.type) && (c.message ?? '') !== '')
    .map((c) => ({
      object: `${object.kind}/${object.metadata.name}`,
      condition: c.type,
      reason: c.reason ?? '',
      message: c.message ?? '',
    }));
}

function pool(object: ObservedObject, name: string, versionPath: 'template' | 'spec'): PoolObservation {
  const spec = object.spec ?? {};
  const template =
    isPlainObject(spec['template']) && isPlainObject(spec['template']['spec'])
      ? spec['template']['spec']
      : {};
  const status = object.status ?? {};
  const version = str(versionPath === 'template' ? template['version'] : spec['version']);
  return {
    name,
    desired: int(spec['replicas']),
    replicas: int(status['replicas']),
    ready: int(status['readyReplicas']),
    upToDate: int(status['upToDateReplicas']),
    current:
      object.metadata.generation === undefined ||
      int(status['observedGeneration']) >= object.metadata.generation,
    ...(version ? { version } : {}),
  };
}

/**
 * Folds the observed objects of one cluster. `poolOf` names the Strata pool of a MachineDeployment (from its
 * `strata.dev/node-pool` label).
 */
export function observeCluster(input: {
  cluster?: ObservedObject;
  controlPlane?: ObservedObject;
  machineDeployments: ObservedObject[];
  poolLabel: string;
}): ClusterObservation {
  const { cluster, controlPlane } = input;
  const status = cluster?.status ?? {};
  const init = isPlainObject(status['initialization']) ? status['initialization'] : {};
  const endpoint = isPlainObject(cluster?.spec?.['controlPlaneEndpoint'])
    ? cluster.spec['controlPlaneEndpoint']
    : {};
  const host = str(endpoint['host']);
  const port = int(endpoint['port']);
  const cp = controlPlane ? pool(controlPlane, 'control-plane', 'spec') : undefined;
  const pools = input.machineDeployments
    .map((md) => pool(md, md.metadata.labels?.[input.poolLabel] ?? md.metadata.name, 'template'))
    .sort((a, b) => a.name.localeCompare(b.name));
  const version = str(controlPlane?.status?.['version']);
  return {
    exists: cluster !== undefined,
    infrastructureReady: init['infrastructureProvisioned'] === true,
    controlPlaneInitialized: init['controlPlaneInitialized'] === true,
    controlPlaneReady: isTrue(cluster, 'ControlPlaneAvailable'),
    available: isTrue(cluster, 'Available'),
    ...(cp ? { controlPlane: cp } : {}),
    pools,
    ...(version ? { kubernetesVersion: version } : {}),
    ...(host && port ? { endpoint: `https://${host}:${port}` } : {}),
    paused: cluster?.spec?.['paused'] === true,
    problems: [cluster, controlPlane, ...input.machineDeployments].flatMap(problems),
  };
}
