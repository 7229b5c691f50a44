import { StrataError, type PackSpec } from '@strata/api';
import semver from 'semver';
import { contentHash } from '../util/json.js';

/** A pack as core works with it: the name (metadata.name of the Pack object) plus its spec. */
export interface Pack extends PackSpec {
  name: string;
}

/** The identity of a pack version. */
export interface PackRef {
  name: string;
  version: string;
}

/** Converts a stored Pack object (`{metadata: {name}, spec}`) to the core model. */
export function packFromResource(resource: { metadata: { name: string }; spec: PackSpec }): Pack {
  return { ...resource.spec, name: resource.metadata.name };
}

/** Converts the core model to the body of a Pack object. */
export function packToResource(pack: Pack): {
  apiVersion: 'strata.dev/v1alpha1';
  kind: 'Pack';
  metadata: { name: string };
  spec: PackSpec;
} {
  const { name, ...spec } = pack;
  return { apiVersion: 'strata.dev/v1alpha1', kind: 'Pack', metadata: { name }, spec };
}

/**
 * The content hash of a pack: sha256 over the canonical JSON of everything but `digest`. Equal packs have equal
 * digests regardless of key order; any change to values, schema, presets, manifests or chart changes it.
 */
export function packDigest(pack: Pack): string {
  const { digest: _digest, ...rest } = pack;
  return contentHash(rest);
}

/** `name@version`, how packs are named in messages. */
export function packLabel(ref: PackRef): string {
  return `${ref.name}@${ref.version}`;
}

/** A chart or tool version as a plain semver pack version (`v3.30.1` → `3.30.1`); undefined when not a version. */
export function packVersionOf(version: string): string | undefined {
  return semver.valid(version, { loose: true }) ?? undefined;
}

/**
 * Pack versions are immutable: pushing the same name and version again is fine only with the same content.
 * Returns 'create' for a new version, 'unchanged' for an identical push; throws STRATA_PACK_EXISTS otherwise.
 */
export function checkPackPush(existing: Pack | undefined, incoming: Pack): 'create' | 'unchanged' {
  if (!existing) return 'create';
  const a = existing.digest ?? packDigest(existing);
  const b = incoming.digest ?? packDigest(incoming);
  if (a === b) return 'unchanged';
  throw new StrataError(
    'STRATA_PACK_EXISTS',
    `${packLabel(incoming)} already exists with different content (${a}); push a new version`,
    [
      {
        path: '/spec/version',
        message: `version ${incoming.version} of ${incoming.name} is already published with digest ${a}`,
      },
    ],
  );
}
