import type { ChartReference, PackLayerKind, PackType } from '@strata/api';
import { contentHash, type JsonObject } from '../util/json.js';

/** Parameters of a Helm release the agent installs or upgrades. */
export interface HelmRelease {
  releaseName: string;
  namespace: string;
  chart: { name: string; version: string; repository?: string };
  /** For charts shipped in a pack: the pack digest to fetch the chart from. */
  bundled?: { pack: string; version: string; digest: string };
  values: JsonObject;
}

/** One layer of a resolved stack: what the agent applies, and its content hash. */
export interface ResolvedLayer {
  /** The profile (name, version) the layer comes from. */
  profile: { name: string; version: string };
  name: string;
  /** Stack position: os, k8s, cni, csi or addon. */
  layer: PackLayerKind;
  type: PackType;
  /** Where the layer comes from. */
  source: { pack: string; version: string; digest?: string } | { manifest: true } | { chart: ChartReference };
  /** Final values (defaults → presets → layer values → overrides). */
  values: JsonObject;
  /** Rendered Kubernetes objects, in order (manifest layers; empty for helm and informational layers). */
  manifests: JsonObject[];
  /** Helm release parameters (helm layers). */
  helm?: HelmRelease;
  /** sha256 of the canonical layer content: equal hash, nothing to apply. */
  hash: string;
}

export interface ResolvedStack {
  layers: ResolvedLayer[];
  /** sha256 over the ordered (profile name, layer name, layer hash) list. */
  hash: string;
  /** The k8s layer's version, when the stack has one. */
  kubernetesVersion?: string;
  /** Value paths that hold sensitive variable values, per layer name (for masking in responses). */
  sensitive: { layer: string; profile: string; variables: string[] }[];
}

/**
 * Computes a layer's hash over its content (name, position, source, values, manifests, Helm parameters). The profile
 * version is not part of it: a new profile version that leaves a layer as it was leaves its hash as it was.
 */
export function hashLayer(layer: Omit<ResolvedLayer, 'hash'>): string {
  const { profile: _profile, ...content } = layer;
  return contentHash(content);
}

/** Computes the stack hash from its layers: the ordered (profile name, layer name, layer hash) list. */
export function hashStack(layers: readonly ResolvedLayer[]): string {
  return contentHash(layers.map((l) => [l.profile.name, l.name, l.hash]));
}
