import { Type } from 'typebox';
import { defineKind } from './kind.js';

export const MacroKind = defineKind({
  kind: 'Macro',
  plural: 'macros',
  scope: 'tenant-or-project',
  sharedWithProjects: true,
  description:
    'A named value usable in profiles as `{{ .macro.NAME }}`; a project macro wins over a tenant macro.',
  spec: Type.Object(
    {
      value: Type.String({ maxLength: 65536 }),
      description: Type.Optional(Type.String({ maxLength: 1024 })),
    },
    { additionalProperties: false },
  ),
});

export const CloudAccountKind = defineKind({
  kind: 'CloudAccount',
  plural: 'cloudaccounts',
  aliases: ['account', 'accounts'],
  scope: 'tenant-or-project',
  sharedWithProjects: true,
  description: 'Credentials for one provider. Credentials are encrypted at rest and never returned.',
  spec: Type.Object(
    {
      provider: Type.String({ pattern: '^[a-z][a-z0-9-]*$', maxLength: 32 }),
      description: Type.Optional(Type.String({ maxLength: 1024 })),
      region: Type.Optional(Type.String({ maxLength: 64 })),
      config: Type.Optional(Type.Record(Type.String({ maxLength: 128 }), Type.String({ maxLength: 4096 }))),
      credentials: Type.Record(Type.String({ maxLength: 128 }), Type.String({ maxLength: 65536 })),
    },
    { additionalProperties: false },
  ),
  secretFields: ['/credentials'],
});
