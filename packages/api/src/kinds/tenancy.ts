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

/** Rules a tenant's administrators live by, set by a system admin on the Tenant. */
export const TenantPolicy = Type.Object(
  {
    passwordSignIn: Type.Optional(
      Type.Boolean({
        description:
          'false: users of this tenant sign in only through an IdentityProvider (POST /v1/login is refused); API keys still work. Default true.',
      }),
    ),
    apiKeyMaxLifetimeDays: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 3650,
        description:
          'API keys made in this tenant expire at most this many days after creation (a key without expiresAt gets it).',
      }),
    ),
    auditRetentionDays: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 3650,
        description: 'Audit entries older than this are pruned in the background (the pruning is audited).',
      }),
    ),
  },
  { additionalProperties: false },
);

/** The first administrator named when a tenant is created (read once, at creation). */
export const TenantAdmin = Type.Object(
  {
    user: Type.Optional(Name),
    email: Type.Optional(Type.String({ maxLength: 254, pattern: '^[^@\\s]+@[^@\\s]+$' })),
    group: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 256,
        description:
          'An IdP group whose members become tenant admins at sign-in (mapped to the team `admins`).',
      }),
    ),
    sso: Type.Optional(
      Type.Object(
        { provider: Name, subject: Type.String({ minLength: 1, maxLength: 255 }) },
        {
          additionalProperties: false,
          description:
            'With `user`: the user signs in through this IdentityProvider (once the tenant has it) as this subject (`sub`), and gets no password.',
        },
      ),
    ),
  },
  { additionalProperties: false },
);

export const TenantKind = defineKind({
  kind: 'Tenant',
  plural: 'tenants',
  scope: 'system',
  description: 'An organisation: holds projects, users, teams and tenant-wide resources.',
  spec: Type.Object(
    {
      displayName: Type.Optional(Text(256)),
      description: Type.Optional(Text()),
      policy: Type.Optional(TenantPolicy),
      admin: Type.Optional(TenantAdmin),
    },
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
      sso: Type.Optional(
        Type.Object(
          {
            provider: Name,
            subject: Type.String({ minLength: 1, maxLength: 255 }),
          },
          {
            additionalProperties: false,
            description:
              'The IdentityProvider and subject (`sub` claim) this user signs in as. Set at the first single sign-on, or by an admin beforehand; a user with a different link (or a local user without one) is never taken over by a sign-in under the same name.',
          },
        ),
      ),
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

/** Claim names are JSON member names; group names are free text from the IdP. */
const ClaimName = Type.String({ minLength: 1, maxLength: 128, pattern: '^[^\\s]+$' });

export const GroupMapping = Type.Object(
  {
    group: Type.String({ minLength: 1, maxLength: 256, description: 'A value of the groups claim' }),
    team: Name,
  },
  { additionalProperties: false },
);

export const IdentityProviderKind = defineKind({
  kind: 'IdentityProvider',
  plural: 'identityproviders',
  aliases: ['idp'],
  scope: 'tenant',
  description:
    'An OpenID Connect provider users of the tenant sign in with (authorization code + PKCE, device code). Users are created at first sign-in; their groups decide their teams.',
  spec: Type.Object(
    {
      displayName: Type.Optional(Text(256)),
      issuer: Type.String({
        minLength: 8,
        maxLength: 2048,
        description:
          'The issuer URL (https; http only for loopback addresses). Checked by discovery when written.',
      }),
      clientId: Type.String({ minLength: 1, maxLength: 512 }),
      clientSecret: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
      scopes: Type.Optional(Type.Array(ClaimName, { maxItems: 32 })),
      claims: Type.Optional(
        Type.Object(
          {
            username: Type.Optional(ClaimName),
            email: Type.Optional(ClaimName),
            groups: Type.Optional(ClaimName),
          },
          { additionalProperties: false },
        ),
      ),
      groupMappings: Type.Optional(Type.Array(GroupMapping, { maxItems: 1000 })),
      disabled: Type.Optional(Type.Boolean()),
    },
    { additionalProperties: false },
  ),
  secretFields: ['/clientSecret'],
});
