// Response shape of the Cluster plan (`POST .../clusters/NAME/plan`, also returned by `upgrade`): what a proposed
// spec would change. Computed by core (`planClusterChange`), shown by the CLI and the console.
import type { LayerFieldChange, ValueChange } from './diffs.js';

/** A Kubernetes object's identity in a diff. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

/** One layer present in both stacks whose content hash changed. */
export interface StackLayerChange {
  profile: string;
  name: string;
  hash: { from: string; to: string };
  /** Layer kind, type, source or Helm chart changes. */
  fields: LayerFieldChange[];
  /** Structured changes plus a unified text diff (`--- a`, `+++ b`; empty when equal) of the final values. */
  values: { changes: ValueChange[]; text: string };
  /** Rendered objects added, removed and changed (by apiVersion group, kind, namespace and name). */
  objects: {
    added: ObjectRef[];
    removed: ObjectRef[];
    changed: { object: ObjectRef; changes: ValueChange[] }[];
  };
}

/** Two resolved stacks compared layer by layer (matched by profile + layer name); positions are 0-based. */
export interface StackDiff {
  /** Stack hashes. */
  from: string;
  to: string;
  added: { profile: string; name: string; index: number }[];
  removed: { profile: string; name: string; index: number }[];
  reordered: { profile: string; name: string; from: number; to: number }[];
  changed: StackLayerChange[];
  unchanged: boolean;
}

export type RepaveReason = 'os' | 'kubernetes' | 'machine';

export interface PoolPlan {
  name: string;
  controlPlane: boolean;
  /** The pool is new (created) or gone (deleted). */
  lifecycle?: 'create' | 'delete';
  scale?: { from: number; to: number };
  repave?: { reasons: RepaveReason[] };
  /** Fields applied to existing nodes in place (labels, taints, updateStrategy, min, max). */
  inPlace: string[];
}

/**
 * What the first apply of a stack would do to a cluster whose objects already exist (import, then adopt a profile).
 * Computed by the cluster's agent against the live cluster, without writing anything.
 */
export interface AdoptionPreview {
  /** Hash of the resolved stack that was previewed. */
  stackHash: string;
  /** When the agent computed it (RFC 3339). */
  at: string;
  /** Every object and release would be adopted as it is: the first apply changes nothing in the cluster. */
  noChanges: boolean;
  /**
   * Object comparisons confirmed by a server-side-apply dry run (an agent in full mode) rather than compared field
   * by field (a read-only agent never sends a write, not even a dry run).
   */
  dryRun: boolean;
  layers: AdoptionLayerPreview[];
}

/**
 * `adopt`: the object exists and matches over the fields the layer sets; it is left exactly as it is. `create`: it
 * does not exist. `update`: it exists and differs (`changes` say where: JSON pointers into the object, `from` the live
 * value, `to` the layer's; Secret data shown as `(redacted)`).
 */
export type AdoptionObjectAction = 'adopt' | 'create' | 'update';
/**
 * `adopt`: the release is deployed with the same chart name, version and user-supplied values; it is not upgraded
 * (no new revision). `install`: there is no such release. `upgrade`: it exists but differs (`reason` says how).
 */
export type AdoptionReleaseAction = 'adopt' | 'install' | 'upgrade';

export interface AdoptionLayerPreview {
  profile: string;
  name: string;
  /**
   * The layer's objects: a manifest layer's, or the objects of the installed Helm release (compared with the
   * release's own manifest; a release to install is not rendered, so it lists none).
   */
  objects: { object: ObjectRef; action: AdoptionObjectAction; changes?: ValueChange[] }[];
  /** Helm layers: what happens to the release; `reason` says why it is not adopted as it is. */
  release?: {
    name: string;
    namespace: string;
    action: AdoptionReleaseAction;
    /** The live release's revision (unchanged by an adoption). */
    revision?: number;
    reason?: string;
  };
  /** Layers with nothing to compare in the cluster (e.g. informational OS or Kubernetes layers), and why. */
  note?: string;
}

export interface ClusterPlan {
  /** Per-layer changes (added, removed, reordered, changed with values diff); undefined when a side has no stack. */
  layers?: StackDiff;
  /** Pools in execution order: control-plane pools first, then workers, in spec order. Unchanged pools omitted. */
  pools: PoolPlan[];
  kubernetesVersion?: { from?: string; to?: string };
  /** Names of the pools to repave, in order. */
  repave: string[];
  /** True when a repave waits for `approve-repave` (policy.repave is not `automatic`). */
  approvalRequired: boolean;
  /** policy.paused on the proposed spec: nothing is applied until it is unpaused. */
  paused: boolean;
  /** Nothing to do at all. */
  unchanged: boolean;
  /**
   * Imported clusters: what the first apply would do to what already exists, from the cluster's agent. Absent for
   * clusters Strata built; `adoptionUnavailable` says why it is missing (e.g. the agent is not connected).
   */
  adoption?: AdoptionPreview;
  adoptionUnavailable?: string;
}
