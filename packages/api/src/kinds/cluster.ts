/**
 * The Cluster kind (SPEC.md §2): desired state of one Kubernetes cluster, and the status the platform writes.
 */
import { Type, type Static } from 'typebox';
import { FreeFormObject } from '../json-bounds.js';
import { LayerState } from '../layer-state.js';
import { Condition, Labels, Name } from '../meta.js';
import { defineKind } from './kind.js';

const strict = { additionalProperties: false } as const;

export const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;
export const NodeTaint = Type.Object(
  {
    key: Type.String({ minLength: 1, maxLength: 253 }),
    value: Type.Optional(Type.String({ maxLength: 63 })),
    effect: Type.Union([
      Type.Literal('NoSchedule'),
      Type.Literal('PreferNoSchedule'),
      Type.Literal('NoExecute'),
    ]),
  },
  strict,
);
export type NodeTaint = Static<typeof NodeTaint>;

/** A count (`1`) or a percentage of the pool (`"25%"`), like Kubernetes' IntOrString. */
export const IntOrPercent = Type.Union([
  Type.Integer({ minimum: 0, maximum: 1000 }),
  Type.String({ pattern: '^(100|[1-9]?[0-9])%$' }),
]);
export type IntOrPercent = Static<typeof IntOrPercent>;

export const UpdateStrategy = Type.Object(
  {
    /** Nodes created above `count` during a repave (default 1). */
    maxSurge: Type.Optional(IntOrPercent),
    /** Nodes that may be missing below `count` during a repave (default 0). */
    maxUnavailable: Type.Optional(IntOrPercent),
  },
  strict,
);
export type UpdateStrategy = Static<typeof UpdateStrategy>;

export const NodePool = Type.Object(
  {
    name: Type.String({ pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', minLength: 1, maxLength: 50 }),
    controlPlane: Type.Optional(Type.Boolean()),
    count: Type.Integer({ minimum: 0, maximum: 1000 }),
    min: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
    max: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
    /** Provider machine type (e.g. m7i.large); alternative to cpu/memory. */
    instanceType: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    /** Kubernetes quantity, e.g. "4". */
    cpu: Type.Optional(Type.String({ pattern: '^[0-9]+(\\.[0-9]+)?m?$', maxLength: 16 })),
    /** Kubernetes quantity, e.g. "16Gi". */
    memory: Type.Optional(
      Type.String({ pattern: '^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|K|M|G|T)?$', maxLength: 16 }),
    ),
    labels: Type.Optional(Labels),
    taints: Type.Optional(Type.Array(NodeTaint, { maxItems: 64 })),
    updateStrategy: Type.Optional(UpdateStrategy),
  },
  strict,
);
export type NodePool = Static<typeof NodePool>;

export const ClusterLayerOverride = Type.Object(
  {
    values: Type.Optional(Type.String({ maxLength: 1048576 })),
    presets: Type.Optional(Type.Array(Type.String({ maxLength: 128 }), { maxItems: 64 })),
  },
  strict,
);
export type ClusterLayerOverride = Static<typeof ClusterLayerOverride>;

export const ClusterProfileRef = Type.Object(
  {
    name: Name,
    version: Type.String({ minLength: 1, maxLength: 64 }),
    /** Defaults to the cluster's project; a tenant-scoped profile is found by name. */
    project: Type.Optional(Name),
    variables: Type.Optional(
      Type.Record(
        Type.String({ maxLength: 128 }),
        Type.Union([Type.String({ maxLength: 65536 }), Type.Number(), Type.Boolean()]),
      ),
    ),
    /** Per-layer overrides, by layer name. */
    overrides: Type.Optional(Type.Record(Type.String({ maxLength: 128 }), ClusterLayerOverride)),
  },
  strict,
);
export type ClusterProfileRef = Static<typeof ClusterProfileRef>;

export const DRIFT_POLICIES = ['remediate', 'report'] as const;
export const REPAVE_POLICIES = ['require-approval', 'automatic'] as const;
export const ClusterPolicy = Type.Object(
  {
    drift: Type.Optional(Type.Union([Type.Literal('remediate'), Type.Literal('report')])),
    repave: Type.Optional(Type.Union([Type.Literal('require-approval'), Type.Literal('automatic')])),
    /** Stops all changes; status says so. */
    paused: Type.Optional(Type.Boolean()),
  },
  strict,
);
export type ClusterPolicy = Static<typeof ClusterPolicy>;

export const IMPORT_MODES = ['read-only', 'full'] as const;
export const ClusterImport = Type.Object(
  {
    /** read-only: the agent only reads and reports; full: it applies the attached profiles. */
    mode: Type.Union([Type.Literal('read-only'), Type.Literal('full')]),
    /** server: the server runs the agent with spec.kubeconfig; manifest: the user applies the agent manifest. */
    connect: Type.Optional(Type.Union([Type.Literal('server'), Type.Literal('manifest')])),
  },
  strict,
);
export type ClusterImport = Static<typeof ClusterImport>;

/**
 * A user's approval of a repave (decision 0006): it names the pending repave (`status.pendingRepave.id`) it approves,
 * so it approves exactly what was shown and nothing later. Setting it needs `cluster.approve-repave`; the server
 * fills `approvedBy` with the caller's name (a given value is replaced).
 */
export const RepaveApproval = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 64 }),
    approvedBy: Type.Optional(Type.String({ maxLength: 256 })),
  },
  strict,
);
export type RepaveApproval = Static<typeof RepaveApproval>;

export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
const HHMM = '^([01][0-9]|2[0-3]):[0-5][0-9]$';
const DATE = '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$';
/** A recurring window: these days, from `start` to `end` (local time in `timeZone`; an earlier end is the next day). */
export const MaintenanceWindow = Type.Object(
  {
    days: Type.Array(
      Type.Union([
        Type.Literal('Mon'),
        Type.Literal('Tue'),
        Type.Literal('Wed'),
        Type.Literal('Thu'),
        Type.Literal('Fri'),
        Type.Literal('Sat'),
        Type.Literal('Sun'),
      ]),
      { minItems: 1, maxItems: 7, uniqueItems: true },
    ),
    start: Type.String({ pattern: HHMM }),
    end: Type.String({ pattern: HHMM }),
    /** An IANA time zone, e.g. Europe/Berlin. */
    timeZone: Type.String({ minLength: 1, maxLength: 64 }),
  },
  strict,
);
export type MaintenanceWindow = Static<typeof MaintenanceWindow>;
/** Whole days (inclusive, in `timeZone`, default UTC) when no window opens. */
export const MaintenanceBlackout = Type.Object(
  {
    from: Type.String({ pattern: DATE }),
    to: Type.String({ pattern: DATE }),
    timeZone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    reason: Type.Optional(Type.String({ maxLength: 256 })),
  },
  strict,
);
export type MaintenanceBlackout = Static<typeof MaintenanceBlackout>;
/** When disruptive changes (repaves: OS, Kubernetes version, machine shape) may run. Other changes run at once. */
export const Maintenance = Type.Object(
  {
    windows: Type.Array(MaintenanceWindow, { minItems: 1, maxItems: 16 }),
    blackouts: Type.Optional(Type.Array(MaintenanceBlackout, { maxItems: 64 })),
  },
  strict,
);
export type Maintenance = Static<typeof Maintenance>;

export const ClusterSpec = Type.Object(
  {
    provider: Type.String({ pattern: '^[a-z][a-z0-9-]*$', maxLength: 32 }),
    /** CloudAccount name; not needed for sandbox. */
    cloudAccount: Type.Optional(Name),
    region: Type.Optional(Type.String({ maxLength: 64 })),
    /** Gateway name (project or tenant scope): where Cluster API providers (`capi-*`) run this cluster. */
    gateway: Type.Optional(Name),
    providerConfig: Type.Optional(
      FreeFormObject({ maxDepth: 32, maxBytes: 65_536, description: 'provider-specific settings' }),
    ),
    /** `from-profile` (default): the k8s layer decides. Otherwise an explicit version such as v1.36.3. */
    kubernetesVersion: Type.Optional(Type.String({ pattern: '^(from-profile|v?[0-9]+\\.[0-9]+\\.[0-9]+)$' })),
    /** The pools the provider builds (empty for imported clusters: their nodes are discovered). */
    nodePools: Type.Array(NodePool, { maxItems: 100 }),
    profiles: Type.Optional(Type.Array(ClusterProfileRef, { maxItems: 32 })),
    policy: Type.Optional(ClusterPolicy),
    /** Provider `imported`: how Strata manages a cluster it did not build. */
    import: Type.Optional(ClusterImport),
    /**
     * Provider `imported`, connect `server`: a kubeconfig with inline credentials only (token or client certificate,
     * CA data). Write-only: encrypted at rest, never returned.
     */
    kubeconfig: Type.Optional(Type.String({ minLength: 1, maxLength: 262144 })),
    /** Approves the repave the cluster waits for (`strata cluster approve-repave` sets it). */
    repaveApproval: Type.Optional(RepaveApproval),
    /** Maintenance windows (else those of the first ClusterGroup with windows it belongs to; else any time). */
    maintenance: Type.Optional(Maintenance),
  },
  strict,
);
export type ClusterSpec = Static<typeof ClusterSpec>;

export const CLUSTER_PHASES = [
  'Pending',
  'Provisioning',
  'Running',
  'Updating',
  'Deleting',
  'Deleted',
  'Failed',
] as const;
export type ClusterPhase = (typeof CLUSTER_PHASES)[number];
const ClusterPhaseSchema = Type.Union([
  Type.Literal('Pending'),
  Type.Literal('Provisioning'),
  Type.Literal('Running'),
  Type.Literal('Updating'),
  Type.Literal('Deleting'),
  Type.Literal('Deleted'),
  Type.Literal('Failed'),
]);
/** The Cluster's conditions, in the order status lists them. */
export const CLUSTER_CONDITIONS = [
  'SpecValid',
  'InfrastructureReady',
  'ControlPlaneReady',
  'NodePoolsReady',
  'AgentConnected',
  'LayersApplied',
  'NoDrift',
] as const;
export type ClusterConditionType = (typeof CLUSTER_CONDITIONS)[number];
export const CLUSTER_HEALTH = ['Healthy', 'Degraded', 'Unknown'] as const;

export const NodePoolStatus = Type.Object({
  name: Type.String(),
  desired: Type.Integer(),
  ready: Type.Integer(),
  version: Type.Optional(Type.String()),
});
export type NodePoolStatus = Static<typeof NodePoolStatus>;

export const ClusterStatus = Type.Object({
  observedGeneration: Type.Optional(Type.Integer()),
  phase: Type.Optional(ClusterPhaseSchema),
  health: Type.Optional(
    Type.Union([Type.Literal('Healthy'), Type.Literal('Degraded'), Type.Literal('Unknown')]),
  ),
  /** In CLUSTER_CONDITIONS order. */
  conditions: Type.Optional(Type.Array(Condition)),
  kubernetesVersion: Type.Optional(Type.String()),
  endpoint: Type.Optional(Type.String()),
  nodePools: Type.Optional(Type.Array(NodePoolStatus)),
  layers: Type.Optional(
    Type.Array(
      Type.Object({
        profile: Type.String(),
        name: Type.String(),
        version: Type.Optional(Type.String()),
        hash: Type.String(),
        state: LayerState,
        message: Type.Optional(Type.String()),
        drift: Type.Optional(Type.Array(Type.Unknown())),
      }),
    ),
  ),
  agent: Type.Optional(
    Type.Object({
      connected: Type.Boolean(),
      version: Type.Optional(Type.String()),
      lastSeen: Type.Optional(Type.String()),
    }),
  ),
  updatesAvailable: Type.Optional(
    Type.Array(Type.Object({ profile: Type.String(), from: Type.String(), to: Type.String() })),
  ),
  /** A repave the spec needs: waiting for an approval (`spec.repaveApproval`) unless policy.repave is automatic. */
  pendingRepave: Type.Optional(
    Type.Object({
      /** Identity of this request (its target and when it was first needed): an approval names it. */
      id: Type.String(),
      reason: Type.String(),
      pools: Type.Array(Type.String()),
      /** Whether spec.repaveApproval approves this request (or policy.repave is automatic). */
      approved: Type.Boolean(),
      /** The machine the pools are repaved to (Kubernetes version and OS layer). */
      target: Type.String(),
      /** Who approved it (copied from spec.repaveApproval). */
      approvedBy: Type.Optional(Type.String()),
      /** Approved, but outside the maintenance window: it starts when the next one opens (this time). */
      waitingForWindow: Type.Optional(Type.String()),
    }),
  ),
  /** The maintenance windows that apply (the cluster's own, or a group's): open now, the next opening, or closing. */
  maintenance: Type.Optional(
    Type.Object({
      open: Type.Boolean(),
      /** `cluster`, `group/PROJECT/NAME`, or `group//NAME` for a tenant group. */
      source: Type.String(),
      nextWindow: Type.Optional(Type.String()),
      closesAt: Type.Optional(Type.String()),
    }),
  ),
  /** Why the cluster is Failed (cleared when it leaves Failed). */
  failure: Type.Optional(Type.Object({ reason: Type.String(), message: Type.String() })),
  /** The desired-state revision published for the agent, and the revision its last report described. */
  desired: Type.Optional(Type.Object({ revision: Type.Integer(), stackHash: Type.String() })),
  reportedRevision: Type.Optional(Type.Integer()),
  /** The name the provider knows the cluster's infrastructure by. */
  infrastructureName: Type.Optional(Type.String()),
  /** Set while policy.paused holds all changes. */
  paused: Type.Optional(Type.Boolean()),
  /** Written by the agent gateway from reports: when the agent observed, its nodes and (imports) its discovery. */
  lastReportAt: Type.Optional(Type.String()),
  nodes: Type.Optional(Type.Array(Type.Unknown())),
  discovery: Type.Optional(Type.Unknown()),
  /** A human-readable line about the phase. */
  message: Type.Optional(Type.String()),
});
export type ClusterStatus = Static<typeof ClusterStatus>;

export const ClusterKind = defineKind({
  kind: 'Cluster',
  plural: 'clusters',
  scope: 'project',
  description:
    'Desired state of one Kubernetes cluster: provider, node pools, attached profile versions and policies.',
  spec: ClusterSpec,
  status: ClusterStatus,
  secretFields: ['/kubeconfig'],
  actions: [
    'plan',
    'upgrade',
    'scale',
    'approve-repave',
    'kubeconfig',
    'agent-manifest',
    'rotate-agent-token',
    'generate-profile',
  ],
});
