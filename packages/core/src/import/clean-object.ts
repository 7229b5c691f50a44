/**
 * A live object as it would be written by a person: without what the API server sets (uid, resourceVersion,
 * managedFields, status, timestamps) or defaults for fields the user did not write. Applying the cleaned object
 * with server-side apply changes nothing on the object it came from.
 */

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

const SERVER_METADATA = [
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
  'ownerReferences',
  'finalizers',
];

const SERVER_ANNOTATIONS = [
  'kubectl.kubernetes.io/last-applied-configuration',
  'deployment.kubernetes.io/revision',
  'pv.kubernetes.io/bind-completed',
  'pv.kubernetes.io/bound-by-controller',
];

const ALLOCATED = Symbol('allocated');

/**
 * Fields the API server allocates (any value) or defaults (removed only when they hold the default, so a value the
 * user chose survives), per kind.
 */
const DEFAULTED: Record<string, [string[], unknown][]> = {
  Service: [
    [['spec', 'clusterIP'], ALLOCATED],
    [['spec', 'clusterIPs'], ALLOCATED],
    [['spec', 'ipFamilies'], ALLOCATED],
    [['spec', 'ipFamilyPolicy'], 'SingleStack'],
    [['spec', 'internalTrafficPolicy'], 'Cluster'],
    [['spec', 'sessionAffinity'], 'None'],
  ],
  Deployment: [
    [['spec', 'progressDeadlineSeconds'], 600],
    [['spec', 'revisionHistoryLimit'], 10],
    [
      ['spec', 'strategy'],
      { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    ],
    [['spec', 'template', 'metadata', 'creationTimestamp'], ALLOCATED],
    [['spec', 'template', 'spec', 'dnsPolicy'], 'ClusterFirst'],
    [['spec', 'template', 'spec', 'restartPolicy'], 'Always'],
    [['spec', 'template', 'spec', 'schedulerName'], 'default-scheduler'],
    [['spec', 'template', 'spec', 'securityContext'], {}],
    [['spec', 'template', 'spec', 'terminationGracePeriodSeconds'], 30],
  ],
  PersistentVolumeClaim: [
    [['spec', 'volumeName'], ALLOCATED],
    [['spec', 'volumeMode'], 'Filesystem'],
  ],
};

function deleteDefault(obj: Record<string, unknown>, path: string[], value: unknown): void {
  let node: unknown = obj;
  for (const key of path.slice(0, -1)) {
    if (!node || typeof node !== 'object') return;
    node = (node as Record<string, unknown>)[key];
  }
  if (!node || typeof node !== 'object') return;
  const parent = node as Record<string, unknown>;
  const last = path[path.length - 1]!;
  if (!(last in parent)) return;
  if (value === ALLOCATED || JSON.stringify(parent[last]) === JSON.stringify(value)) delete parent[last];
}

export function cleanObject(input: KubeObject): KubeObject {
  const obj = structuredClone(input);
  delete obj.status;
  const meta = (obj.metadata ??= {});
  for (const f of SERVER_METADATA) delete meta[f];
  if (meta.annotations) {
    for (const a of SERVER_ANNOTATIONS) delete meta.annotations[a];
    if (Object.keys(meta.annotations).length === 0) delete meta.annotations;
  }
  if (meta.labels && Object.keys(meta.labels).length === 0) delete meta.labels;
  for (const [path, value] of DEFAULTED[obj.kind] ?? []) deleteDefault(obj, path, value);
  return obj;
}
