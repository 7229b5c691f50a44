// Response shapes of the diff endpoints (`POST .../clusterprofiles/NAME/diff`), shared by core (which computes them)
// and by the CLI and console (which show them).

/** One changed value path in a values diff. Values are JSON. */
export interface ValueChange {
  path: string;
  type: 'added' | 'removed' | 'changed';
  from?: unknown;
  to?: unknown;
}

export interface LayerFieldChange {
  field: string;
  from?: unknown;
  to?: unknown;
}

export interface ProfileLayerChange {
  name: string;
  /** Positions in the old and new layer lists. */
  index: { from: number; to: number };
  /** Changed fields other than values (version, pack, presets, chart, namespace, manifest). */
  fields: LayerFieldChange[];
  /** Values diff: structured when both sides parse as YAML (templates may prevent it), always as text. */
  values?: { changes: ValueChange[]; text: string };
  /** Text diff of an inline manifest. */
  manifest?: string;
}

export interface ProfileDiff {
  from: { name: string; version: string };
  to: { name: string; version: string };
  added: { name: string; index: number }[];
  removed: { name: string; index: number }[];
  /** Layers present in both whose position relative to the others changed. */
  reordered: { name: string; from: number; to: number }[];
  changed: ProfileLayerChange[];
  variables: { added: string[]; removed: string[]; changed: { name: string; fields: string[] }[] };
  /** Other spec fields that changed (type, description, providers). */
  fields: LayerFieldChange[];
  /** True when nothing but the version differs. */
  unchanged: boolean;
}
