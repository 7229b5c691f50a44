import { Type } from 'typebox';
import { defineKind } from './kind.js';

// Placeholder schemas: the packs/profiles work (issue 3) replaces these with the full pack and profile model.

export const PackKind = defineKind({
  kind: 'Pack',
  plural: 'packs',
  scope: 'tenant',
  versioned: true,
  description: 'A versioned building block of a stack (os, k8s, cni, csi, addon).',
  spec: Type.Object({ version: Type.String() }, { additionalProperties: true }),
});

export const PackSourceKind = defineKind({
  kind: 'PackSource',
  plural: 'packsources',
  scope: 'tenant',
  description: 'A Helm repository (or OCI registry) whose charts are usable as layers.',
  spec: Type.Object({ url: Type.String() }, { additionalProperties: true }),
});

export const ClusterProfileKind = defineKind({
  kind: 'ClusterProfile',
  plural: 'clusterprofiles',
  aliases: ['profile', 'profiles'],
  scope: 'tenant-or-project',
  versioned: true,
  description: 'An ordered, versioned stack of layers.',
  spec: Type.Object({ version: Type.String() }, { additionalProperties: true }),
  actions: ['publish', 'clone', 'resolve', 'diff'],
});
