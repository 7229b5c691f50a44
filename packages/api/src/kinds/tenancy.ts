import { Type } from 'typebox';
import { Name } from '../meta.js';
import { defineKind } from './kind.js';

const Text = (maxLength = 1024) => Type.String({ maxLength });
/** An object's metadata.uid. */
const Uid = (description?: string) =>
  Type.String({
    minLength: 1,
    maxLength: 64,
    pattern: '^[0-9a-f-]+$',
    ...(description ? { description } : {}),
  });

export const TenantKind = defineKind({
  kind: 'Tenant',
  plural: 'tenants',
  scope: 'system',
  description: 'An organisation: holds projects, users, teams and tenant-wide resources.',
  spec: Type.Object(
    { displayName: Type.Optional(Text(256)), description: Type.Optional(Text()) },
    { additionalProperties: false },
  ),
});

export const ProjectKind = defineKind({
  kind: 'Project',
  plural: 'projects',
  scope: 'tenant',
  description: 'A unit of isolation inside a tenant: clusters, profiles and accounts live in projects.',
  spec: Type.Object(
    { displayName: Type.Optional(Text(256)), description: Type.Optional(Text()) },
    { additionalProperties: false },
  ),
});

export const UserKind = defineKind({
  kind: 'User',
  plural: 'users',
  scope: 'tenant',
  description: 'A person who signs in with a password or uses API keys.',
  spec: Type.Object(
    {
      displayName: Type.Optional(Text(256)),
      email: Type.Optional(Type.String({ maxLength: 254, pattern: '^[^@\\s]+@[^@\\s]+$' })),
      password: Type.Optional(Type.String({ minLength: 8, maxLength: 1024 })),
      disabled: Type.Optional(Type.Boolean()),
    },
    { additionalProperties: false },
  ),
  secretFields: ['/password'],
  hashedFields: ['/password'],
});

export const TeamKind = defineKind({
  kind: 'Team',
  plural: 'teams',
  scope: 'tenant',
  description: 'A named group of users; roles can be bound to teams.',
  spec: Type.Object(
    {
      description: Type.Optional(Text()),
      members: Type.Array(Name, { maxItems: 10000 }),
      memberUids: Type.Optional(
        Type.Array(Uid(), {
          maxItems: 10000,
          description:
            'Set by the server: the UIDs of the members when they were added. Membership follows the UID, so a user deleted and made again under the same name is not a member.',
        }),
      ),
    },
    { additionalProperties: false },
  ),
});

export const Permission = Type.String({
  pattern: '^(\\*|[a-z][a-z0-9]*)\\.(\\*|[a-z][a-z0-9-]*)$',
  description: '`kind.verb`, lowercase; `*` matches any kind or verb',
});

export const RoleKind = defineKind({
  kind: 'Role',
  plural: 'roles',
  scope: 'tenant',
  description: 'A set of `kind.verb` permissions.',
  spec: Type.Object(
    { description: Type.Optional(Text()), permissions: Type.Array(Permission, { maxItems: 500 }) },
    { additionalProperties: false },
  ),
});

export const Subject = Type.Object(
  {
    kind: Type.Union([Type.Literal('User'), Type.Literal('Team')]),
    name: Name,
    uid: Type.Optional(
      Uid(
        'Set by the server from `name` when the binding is written (a UID sent back must still be the one `name` has). The binding grants to this UID: a user or team deleted and made again under the same name gets nothing from it.',
      ),
    ),
  },
  { additionalProperties: false },
);

export const RoleBindingKind = defineKind({
  kind: 'RoleBinding',
  plural: 'rolebindings',
  scope: 'tenant-or-project',
  description:
    'Grants a role to users and teams: at tenant scope for every project of the tenant, at project scope for one project.',
  spec: Type.Object(
    { role: Name, subjects: Type.Array(Subject, { minItems: 1, maxItems: 1000 }) },
    { additionalProperties: false },
  ),
});

export const ApiKeyKind = defineKind({
  kind: 'ApiKey',
  plural: 'apikeys',
  scope: 'tenant',
  description: 'A bearer token for a user. The key is shown once, at creation; only its hash is stored.',
  spec: Type.Object(
    {
      user: Type.Optional(Name),
      description: Type.Optional(Text()),
      expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
      revoked: Type.Optional(Type.Boolean()),
    },
    { additionalProperties: false },
  ),
  actions: ['revoke'],
});
