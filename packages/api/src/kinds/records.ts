import { Type } from 'typebox';
import { defineKind } from './kind.js';

export const ObjectReference = Type.Object({
  kind: Type.String(),
  name: Type.String(),
  project: Type.Optional(Type.String()),
});

export const EventKind = defineKind({
  kind: 'Event',
  plural: 'events',
  scope: 'tenant-or-project',
  readOnly: true,
  description: 'Something that happened to an object: a phase transition, a failure, an action.',
  spec: Type.Object({
    involvedObject: ObjectReference,
    type: Type.Union([Type.Literal('Normal'), Type.Literal('Warning')]),
    reason: Type.String(),
    message: Type.String(),
    count: Type.Integer(),
    firstSeen: Type.String(),
    lastSeen: Type.String(),
    source: Type.Optional(Type.String()),
  }),
});

export const AuditEntryKind = defineKind({
  kind: 'AuditEntry',
  plural: 'auditentries',
  aliases: ['audit'],
  scope: 'tenant-or-project',
  readOnly: true,
  description: 'One mutation: who did what to which object, when, with generations before and after.',
  spec: Type.Object({
    actor: Type.String(),
    verb: Type.String(),
    object: ObjectReference,
    at: Type.String(),
    generationBefore: Type.Optional(Type.Integer()),
    generationAfter: Type.Optional(Type.Integer()),
    requestId: Type.Optional(Type.String()),
    outcome: Type.Union([Type.Literal('Success'), Type.Literal('Failure')]),
    detail: Type.Optional(Type.String()),
  }),
});
