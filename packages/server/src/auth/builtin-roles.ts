/** Built-in roles, created (or restored) in every tenant at start. Users may add their own Role objects. */
export interface BuiltinRole {
  name: string;
  description: string;
  permissions: string[];
}

const READ = ['*.get', '*.list', '*.watch'];
const CLUSTER_EDITOR_VERBS = [
  'create',
  'update',
  'delete',
  'plan',
  'upgrade',
  'scale',
  'approve-repave',
  'agent-manifest',
  'rotate-agent-token',
  'generate-profile',
];

export const BUILTIN_ROLES: readonly BuiltinRole[] = [
  {
    name: 'system-admin',
    description: 'Manages tenants and reads the server metrics. Bound only in the bootstrap tenant.',
    permissions: ['tenant.*', 'metrics.get'],
  },
  {
    name: 'metrics-reader',
    description: "Reads /metrics (for Prometheus scrapers): bind it at tenant scope to the scraper's user.",
    permissions: ['metrics.get'],
  },
  {
    name: 'tenant-admin',
    description: 'Everything inside the tenant: projects, users, roles, and every project.',
    permissions: ['*.*'],
  },
  {
    name: 'project-admin',
    description: 'Everything inside the projects it is bound to, including role bindings there.',
    permissions: ['*.*'],
  },
  {
    name: 'project-editor',
    description: 'Creates, changes and deletes resources in a project; cannot change who has access.',
    permissions: [
      ...READ,
      ...[
        'clusterprofile',
        'macro',
        'cloudaccount',
        'gateway',
        'pack',
        'packsource',
        'clustergroup',
        'rollout',
      ].map((k) => `${k}.*`),
      // Every cluster verb but `kubeconfig`: the admin kubeconfig is cluster-admin on the cluster itself.
      ...CLUSTER_EDITOR_VERBS.map((v) => `cluster.${v}`),
    ],
  },
  {
    name: 'project-viewer',
    description: 'Reads everything in a project; changes nothing.',
    permissions: READ,
  },
];

/** Kinds whose objects are about access itself: only tenant-level permissions can write the tenant-scoped ones. */
export const ACCESS_KINDS = new Set([
  'tenant',
  'project',
  'user',
  'team',
  'role',
  'rolebinding',
  'identityprovider',
]);
