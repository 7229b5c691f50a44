import { Type, type Static } from 'typebox';
import { FreeFormObject } from '../json-bounds.js';
import { Condition, Name } from '../meta.js';
import { defineKind } from './kind.js';

// Packs, pack sources and cluster profiles (issue 3). The shapes are documented in docs/reference/packs.md and
// docs/reference/profiles.md; semantic rules (layer order, constraints, variables) live in @strata/core.

const Text = (maxLength = 1024) => Type.String({ maxLength });
/** YAML text (values, manifests). Kept as text so that comments survive. */
const YamlText = Type.String({ maxLength: 1_048_576 });
/** A semver version such as 1.36.3, 3.30.1 or 1.33.4+k3s1 (checked precisely by core). */
const Version = Type.String({
  minLength: 1,
  maxLength: 128,
  pattern: '^[0-9]+\\.[0-9]+\\.[0-9]+([-+][0-9A-Za-z.+-]*)?$',
});
/** A semver range such as ">=1.30.0 <1.37.0" or "^3.30.0" (checked precisely by core). */
const Range = Type.String({ minLength: 1, maxLength: 256 });
const Url = Type.String({ minLength: 1, maxLength: 2048, pattern: '^(https?|oci)://[^\\s]+$' });

export const PACK_LAYERS = ['os', 'k8s', 'cni', 'csi', 'addon'] as const;
export type PackLayerKind = (typeof PACK_LAYERS)[number];
export const PackLayer = Type.Union([
  Type.Literal('os'),
  Type.Literal('k8s'),
  Type.Literal('cni'),
  Type.Literal('csi'),
  Type.Literal('addon'),
]);

export const PACK_TYPES = ['helm', 'manifest'] as const;
export type PackType = (typeof PACK_TYPES)[number];

/** A chart in a Helm repository (https://...) or an OCI registry (oci://...). */
export const ChartReference = Type.Object(
  {
    repository: Url,
    name: Type.String({ minLength: 1, maxLength: 253 }),
    version: Type.String({ minLength: 1, maxLength: 128 }),
  },
  { additionalProperties: false },
);
export type ChartReference = Static<typeof ChartReference>;

/** A chart shipped inside the pack: a packaged `.tgz` (base64) or the files of a chart directory. */
export const BundledChart = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 253 }),
    version: Type.String({ minLength: 1, maxLength: 128 }),
    archive: Type.Optional(Type.String({ maxLength: 16_777_216, pattern: '^[A-Za-z0-9+/=\\s]*$' })),
    files: Type.Optional(Type.Record(Type.String({ maxLength: 512 }), Type.String({ maxLength: 1_048_576 }))),
  },
  { additionalProperties: false },
);
export type BundledChart = Static<typeof BundledChart>;

export const PackManifest = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 253 }), content: YamlText },
  { additionalProperties: false },
);
export type PackManifest = Static<typeof PackManifest>;

export const PackDependency = Type.Object(
  { pack: Name, range: Type.Optional(Range), reason: Type.Optional(Text()) },
  { additionalProperties: false },
);
export type PackDependency = Static<typeof PackDependency>;

export const PackConstraints = Type.Object(
  {
    /** Packs that must be in the same stack, with a version range. */
    requires: Type.Optional(Type.Array(PackDependency, { maxItems: 64 })),
    /** Packs that are used when present; if present, their version must match the range. */
    optional: Type.Optional(Type.Array(PackDependency, { maxItems: 64 })),
    /** Packs that must not be in the same stack (in the given range, or at all). */
    conflicts: Type.Optional(Type.Array(PackDependency, { maxItems: 64 })),
    /** Supported Kubernetes versions, as a semver range checked against the stack's k8s layer. */
    kubernetes: Type.Optional(Range),
  },
  { additionalProperties: false },
);
export type PackConstraints = Static<typeof PackConstraints>;

/** A named value snippet: `remove` drops value paths (dot-separated), `add` (YAML) is merged in. */
export const PackPreset = Type.Object(
  {
    name: Name,
    displayName: Type.Optional(Text(256)),
    description: Type.Optional(Text()),
    /** At most one preset per group is active. */
    group: Type.Optional(Type.String({ minLength: 1, maxLength: 63 })),
    remove: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 512 }), { maxItems: 256 })),
    add: Type.Optional(YamlText),
  },
  { additionalProperties: false },
);
export type PackPreset = Static<typeof PackPreset>;

/** Where a pack's facts come from (informational, e.g. the upstream project and version). */
export const PackUpstream = Type.Object(
  { url: Type.String({ maxLength: 2048 }), version: Type.Optional(Type.String({ maxLength: 128 })) },
  { additionalProperties: false },
);

export const PackSpec = Type.Object(
  {
    version: Version,
    displayName: Type.Optional(Text(256)),
    layer: PackLayer,
    type: Type.Union([Type.Literal('helm'), Type.Literal('manifest')]),
    description: Type.Optional(Text(4096)),
    /** Providers the pack works with; absent or ['all'] means every provider. */
    providers: Type.Optional(
      Type.Array(Type.String({ pattern: '^[a-z][a-z0-9-]*$', maxLength: 32 }), { maxItems: 32 }),
    ),
    /** Free-form grouping for the catalog (ingress, monitoring, security, ...). */
    category: Type.Optional(Type.String({ maxLength: 64 })),
    constraints: Type.Optional(PackConstraints),
    /** Default values as YAML text (comments preserved). */
    values: Type.Optional(YamlText),
    /** JSON Schema for the values (draft-07 or 2020-12). */
    schema: Type.Optional(FreeFormObject({ maxDepth: 64, maxBytes: 1_048_576 })),
    presets: Type.Optional(Type.Array(PackPreset, { maxItems: 128 })),
    /** Namespace for the release or for namespaced manifests without one. */
    namespace: Type.Optional(Name),
    /** content: exactly one of manifests (type manifest), chart or bundledChart (type helm). */
    manifests: Type.Optional(Type.Array(PackManifest, { maxItems: 256 })),
    chart: Type.Optional(ChartReference),
    bundledChart: Type.Optional(BundledChart),
    upstream: Type.Optional(PackUpstream),
    /** Content hash (sha256 of the canonical pack), set when the pack is stored. */
    digest: Type.Optional(Type.String({ pattern: '^sha256:[0-9a-f]{64}$' })),
  },
  { additionalProperties: false },
);
export type PackSpec = Static<typeof PackSpec>;

export const PackKind = defineKind({
  kind: 'Pack',
  plural: 'packs',
  scope: 'tenant',
  versioned: true,
  description: 'A versioned building block of a stack (os, k8s, cni, csi, addon).',
  spec: PackSpec,
});

export const PackSourceSpec = Type.Object(
  {
    type: Type.Union([Type.Literal('helm'), Type.Literal('oci')]),
    url: Url,
    description: Type.Optional(Text()),
    /** How often the index is read again, e.g. "10m", "1h". */
    interval: Type.Optional(Type.String({ pattern: '^[0-9]+(s|m|h)$', maxLength: 16 })),
    /** Write-only: encrypted at rest, never returned. */
    credentials: Type.Optional(
      Type.Object(
        {
          username: Type.Optional(Type.String({ maxLength: 256 })),
          password: Type.Optional(Type.String({ maxLength: 4096 })),
          token: Type.Optional(Type.String({ maxLength: 8192 })),
        },
        { additionalProperties: false },
      ),
    ),
    insecureSkipTlsVerify: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type PackSourceSpec = Static<typeof PackSourceSpec>;

/** A chart found in a PackSource, as its status lists it. */
export const PackSourceChart = Type.Object({
  name: Type.String(),
  versions: Type.Array(
    Type.Object({
      version: Type.String(),
      appVersion: Type.Optional(Type.String()),
      description: Type.Optional(Type.String()),
      digest: Type.Optional(Type.String()),
    }),
  ),
});
export type PackSourceChart = Static<typeof PackSourceChart>;

/** What the PackSource controller writes: the charts of the last good index read, and a Ready condition. */
export const PackSourceStatus = Type.Object({
  observedGeneration: Type.Optional(Type.Integer()),
  conditions: Type.Optional(Type.Array(Condition)),
  /** When the index was last read (successfully or not). */
  lastFetchedAt: Type.Optional(Type.String()),
  /** The charts of the last index read that succeeded: a failed read keeps them usable. */
  charts: Type.Optional(Type.Array(PackSourceChart)),
});
export type PackSourceStatus = Static<typeof PackSourceStatus>;

export const PackSourceKind = defineKind({
  kind: 'PackSource',
  plural: 'packsources',
  scope: 'tenant',
  description: 'A Helm repository (or OCI registry) whose charts are usable as layers.',
  spec: PackSourceSpec,
  status: PackSourceStatus,
  secretFields: ['/credentials'],
});

export const VARIABLE_TYPES = ['string', 'number', 'boolean', 'ipv4', 'cidr', 'version', 'secret'] as const;
export type VariableType = (typeof VARIABLE_TYPES)[number];
const VariableValue = Type.Union([Type.String({ maxLength: 65536 }), Type.Number(), Type.Boolean()]);
export type VariableValue = Static<typeof VariableValue>;

export const ProfileVariable = Type.Object(
  {
    name: Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$', maxLength: 63 }),
    type: Type.Union([
      Type.Literal('string'),
      Type.Literal('number'),
      Type.Literal('boolean'),
      Type.Literal('ipv4'),
      Type.Literal('cidr'),
      Type.Literal('version'),
      Type.Literal('secret'),
    ]),
    displayName: Type.Optional(Text(256)),
    description: Type.Optional(Text()),
    required: Type.Optional(Type.Boolean()),
    default: Type.Optional(VariableValue),
    /** Regular expression (RE2 syntax, run in linear time) the (string form of the) value must match in full. */
    regex: Type.Optional(Type.String({ maxLength: 1024 })),
    options: Type.Optional(Type.Array(VariableValue, { maxItems: 256 })),
    /** Set once per cluster; later changes are refused. */
    immutable: Type.Optional(Type.Boolean()),
    /** Not shown in forms (needs a default when required). */
    hidden: Type.Optional(Type.Boolean()),
    /** Masked in API responses and logs (always true for type secret). */
    sensitive: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type ProfileVariable = Static<typeof ProfileVariable>;

const LayerName = Name;
export const PackLayerRef = Type.Object(
  {
    pack: Name,
    version: Version,
    /** Layer name; defaults to the pack name. */
    name: Type.Optional(LayerName),
    values: Type.Optional(YamlText),
    presets: Type.Optional(Type.Array(Name, { maxItems: 64 })),
    namespace: Type.Optional(Name),
  },
  { additionalProperties: false },
);
export const ManifestLayer = Type.Object(
  { name: LayerName, manifest: YamlText, namespace: Type.Optional(Name) },
  { additionalProperties: false },
);
export const ChartLayer = Type.Object(
  { name: LayerName, chart: ChartReference, values: Type.Optional(YamlText), namespace: Type.Optional(Name) },
  { additionalProperties: false },
);
export const ProfileLayer = Type.Union([PackLayerRef, ManifestLayer, ChartLayer]);
export type PackLayerRef = Static<typeof PackLayerRef>;
export type ManifestLayer = Static<typeof ManifestLayer>;
export type ChartLayer = Static<typeof ChartLayer>;
export type ProfileLayer = Static<typeof ProfileLayer>;

export const PROFILE_TYPES = ['infra', 'addon', 'full'] as const;
export type ProfileType = (typeof PROFILE_TYPES)[number];

export const ClusterProfileSpec = Type.Object(
  {
    type: Type.Union([Type.Literal('infra'), Type.Literal('addon'), Type.Literal('full')]),
    version: Version,
    description: Type.Optional(Text(4096)),
    /** Providers the profile is meant for; absent means any. */
    providers: Type.Optional(
      Type.Array(Type.String({ pattern: '^[a-z][a-z0-9-]*$', maxLength: 32 }), { maxItems: 32 }),
    ),
    variables: Type.Optional(Type.Array(ProfileVariable, { maxItems: 256 })),
    layers: Type.Array(ProfileLayer, { maxItems: 128 }),
  },
  { additionalProperties: false },
);
export type ClusterProfileSpec = Static<typeof ClusterProfileSpec>;

/** Status written by the platform. */
export const ClusterProfileStatus = Type.Object({
  state: Type.Union([Type.Literal('Draft'), Type.Literal('Published')]),
  publishedAt: Type.Optional(Type.String()),
  /** Clusters using this version. */
  usedBy: Type.Optional(Type.Array(Type.String())),
  /** Hash of the canonical spec, set at publish. */
  digest: Type.Optional(Type.String()),
});
export type ClusterProfileStatus = Static<typeof ClusterProfileStatus>;

export const ClusterProfileKind = defineKind({
  kind: 'ClusterProfile',
  plural: 'clusterprofiles',
  aliases: ['profile', 'profiles'],
  scope: 'tenant-or-project',
  sharedWithProjects: true,
  versioned: true,
  description: 'An ordered, versioned stack of layers.',
  spec: ClusterProfileSpec,
  actions: ['publish', 'clone', 'resolve', 'diff'],
});
