/** Built-in roles, created (or restored) in every tenant at start. Users may add their own Role objects. */
export interface BuiltinRole {
  name: string;
  description: string;
  permissions: string[];
}

const READ = ['*.get', '*.list', '*.watch'];

export const BUILTIN_ROLES: readonly BuiltinRole[] = [
  {
    name: 'system-admin',
    description: 'Manages tenants. Bound only in the bootstrap tenant.',
    permissions: ['tenant.*'],
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
      ...['cluster', 'clusterprofile', 'macro', 'cloudaccount', 'pack', 'packsource'].flatMap((k) => [
        `${k}.*`,
      ]),
    ],
  },
  {
    name: 'project-viewer',
    description: 'Reads everything in a project; changes nothing.',
    permissions: READ,
  },
];

/** Kinds whose objects are about access itself: only tenant-level permissions can write the tenant-scoped ones. */
export const ACCESS_KINDS = new Set(['tenant', 'project', 'user', 'team', 'role', 'rolebinding']);
