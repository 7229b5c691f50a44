import type { PackSpec } from '@strata/api';
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
export function packToResource(pack: Pack): { apiVersion: 'strata.dev/v1alpha1'; kind: 'Pack'; metadata: { name: string }; spec: PackSpec } {
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
