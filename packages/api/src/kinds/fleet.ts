/**
 * Fleet operations (issue 19): `ClusterGroup` (a saved label selector over clusters, with live membership) and
 * `Rollout` (one change applied to many clusters in batches, behind health gates). docs/reference/fleet.md.
 */
import { Type, type Static } from 'typebox';
import { Condition, Name } from '../meta.js';
import { ClusterPolicy, IntOrPercent, Maintenance } from './cluster.js';
import { defineKind } from './kind.js';

const strict = { additionalProperties: false } as const;

/** A label selector in the list syntax (`env=prod,region in (eu-west,eu-central),!legacy`). Never empty. */
export const FleetSelector = Type.String({ minLength: 1, maxLength: 4096 });

export const ClusterGroupSpec = Type.Object(
  {
    description: Type.Optional(Type.String({ maxLength: 1024 })),
    /** Which clusters belong: a label selector over the clusters' labels. */
    selector: FleetSelector,
    /** Tenant-scoped groups: only clusters of these projects (default: every project). */
    projects: Type.Optional(Type.Array(Name, { minItems: 1, maxItems: 256 })),
    /** Maintenance windows of the members that have none of their own (docs/reference/fleet.md). */
    maintenance: Type.Optional(Maintenance),
  },
  strict,
);
export type ClusterGroupSpec = Static<typeof ClusterGroupSpec>;

export const ClusterGroupKind = defineKind({
  kind: 'ClusterGroup',
  plural: 'clustergroups',
  aliases: ['group', 'groups'],
  scope: 'tenant-or-project',
  description:
    'A saved label selector over clusters; `GET .../clustergroups/NAME/members` lists its members as they are now.',
  spec: ClusterGroupSpec,
  actions: ['members'],
});

/** The health checks a rollout's gate can ask of every cluster of a batch (Cluster status). */
export const HEALTH_CHECKS = ['Running', 'AgentConnected', 'LayersApplied', 'NoDrift'] as const;
export type HealthCheck = (typeof HEALTH_CHECKS)[number];

export const RolloutChange = Type.Object(
  {
    /**
     * Attach a profile version: the attachment of that profile moves to `version` (its variables kept, `variables`
     * merged in), or the profile is attached when the cluster does not have it.
     */
    profile: Type.Optional(
      Type.Object(
        {
          name: Name,
          version: Type.String({ minLength: 1, maxLength: 64 }),
          project: Type.Optional(Name),
          variables: Type.Optional(
            Type.Record(
              Type.String({ maxLength: 128 }),
              Type.Union([Type.String({ maxLength: 65536 }), Type.Number(), Type.Boolean()]),
              { maxProperties: 256 },
            ),
          ),
        },
        strict,
      ),
    ),
    /** Detach this profile. */
    removeProfile: Type.Optional(Name),
    /** An explicit Kubernetes version (a repave), or `from-profile`. */
    kubernetesVersion: Type.Optional(Type.String({ pattern: '^(from-profile|v?[0-9]+\\.[0-9]+\\.[0-9]+)$' })),
    /** Policy fields to set (drift, repave); `paused` is not a rollout's to change. */
    policy: Type.Optional(Type.Omit(ClusterPolicy, ['paused'])),
  },
  strict,
);
export type RolloutChange = Static<typeof RolloutChange>;

export const RolloutStrategy = Type.Object(
  {
    /** Clusters changed first, alone, before any batch: these names, or the first `count` in order. */
    canary: Type.Optional(
      Type.Object(
        {
          count: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
          clusters: Type.Optional(Type.Array(Name, { minItems: 1, maxItems: 1000 })),
        },
        strict,
      ),
    ),
    /** Clusters per batch after the canary: a count or a percentage of the clusters to change (default 10). */
    batchSize: Type.Optional(IntOrPercent),
    /**
     * A batch starts only while fewer than this many of the rollout's clusters are unavailable (not passing the
     * gate's checks), so batch + failures never take more of the fleet down (default: no limit).
     */
    maxUnavailable: Type.Optional(IntOrPercent),
    /** Wait between one batch passing its gate and the next starting (default 0). */
    pauseSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 604800 })),
    healthGate: Type.Optional(
      Type.Object(
        {
          /** Default: all of them. */
          checks: Type.Optional(
            Type.Array(
              Type.Union([
                Type.Literal('Running'),
                Type.Literal('AgentConnected'),
                Type.Literal('LayersApplied'),
                Type.Literal('NoDrift'),
              ]),
              { minItems: 1, maxItems: 4, uniqueItems: true },
            ),
          ),
          /** A cluster not passing within this long of its batch's start fails (default 600). */
          timeoutSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 86400 })),
        },
        strict,
      ),
    ),
    /** The rollout halts when more clusters than this failed (default 0: the first failure halts it). */
    maxFailures: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000 })),
    /**
     * The order clusters are taken in: by name (default), by project then name, or by the value of a label; the
     * clusters named in `first` come first, in that order.
     */
    order: Type.Optional(
      Type.Object(
        {
          by: Type.Optional(
            Type.Union([Type.Literal('name'), Type.Literal('project'), Type.Literal('label')]),
          ),
          label: Type.Optional(Type.String({ minLength: 1, maxLength: 317 })),
          first: Type.Optional(Type.Array(Name, { maxItems: 1000 })),
        },
        strict,
      ),
    ),
  },
  strict,
);
export type RolloutStrategy = Static<typeof RolloutStrategy>;

export const RolloutSpec = Type.Object(
  {
    description: Type.Optional(Type.String({ maxLength: 1024 })),
    /**
     * Exactly one: a ClusterGroup by name (this project's, else the tenant's), a label selector, or clusters by name
     * (`NAME` in a project rollout, `PROJECT/NAME` in a tenant rollout).
     */
    target: Type.Object(
      {
        group: Type.Optional(Name),
        selector: Type.Optional(FleetSelector),
        clusters: Type.Optional(
          Type.Array(
            Type.String({
              pattern: '^([a-z0-9]([-a-z0-9]*[a-z0-9])?/)?[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
              maxLength: 127,
            }),
            {
              minItems: 1,
              maxItems: 10000,
              uniqueItems: true,
            },
          ),
        ),
      },
      strict,
    ),
    change: RolloutChange,
    strategy: Type.Optional(RolloutStrategy),
    /** No new batch starts while true (`strata rollout pause|resume`). */
    paused: Type.Optional(Type.Boolean()),
    /** Stops the rollout for good: no further cluster is changed (`strata rollout abort`). Cannot be undone. */
    aborted: Type.Optional(Type.Boolean()),
    /**
     * Restores the specs the rollout changed to what they were before it, through the same batches
     * (`strata rollout rollback`). Cannot be undone.
     */
    rollback: Type.Optional(Type.Boolean()),
  },
  strict,
);
export type RolloutSpec = Static<typeof RolloutSpec>;

export const ROLLOUT_PHASES = [
  'Pending',
  'Progressing',
  'Paused',
  'Halted',
  'Succeeded',
  'Aborted',
  'RollingBack',
  'RolledBack',
] as const;
export type RolloutPhase = (typeof ROLLOUT_PHASES)[number];
/** Phases after which a rollout changes nothing more (it no longer holds its clusters). */
export const FINISHED_ROLLOUT_PHASES: readonly RolloutPhase[] = ['Succeeded', 'Aborted', 'RolledBack'];

export const ROLLOUT_CLUSTER_STATES = [
  'Skipped',
  'Waiting',
  'Updating',
  'Succeeded',
  'Failed',
  'RollingBack',
  'RolledBack',
  'RollbackFailed',
] as const;
export type RolloutClusterState = (typeof ROLLOUT_CLUSTER_STATES)[number];

/** The parts of a cluster's spec a rollout may change, as they were before it (a rollback restores them). */
export const ClusterSpecPart = Type.Object({
  profiles: Type.Optional(Type.Array(Type.Unknown())),
  kubernetesVersion: Type.Optional(Type.String()),
  policy: Type.Optional(Type.Unknown()),
});
export type ClusterSpecPart = Static<typeof ClusterSpecPart>;

export const RolloutClusterStatus = Type.Object({
  project: Type.String(),
  name: Type.String(),
  /** Index into `batches`; -1 for a skipped cluster. */
  batch: Type.Integer(),
  state: Type.Union([
    Type.Literal('Skipped'),
    Type.Literal('Waiting'),
    Type.Literal('Updating'),
    Type.Literal('Succeeded'),
    Type.Literal('Failed'),
    Type.Literal('RollingBack'),
    Type.Literal('RolledBack'),
    Type.Literal('RollbackFailed'),
  ]),
  /** Why it was skipped or failed (e.g. `Paused`, `AlreadyAtTarget`, `InOtherRollout`, `GateTimeout`). */
  reason: Type.Optional(Type.String()),
  message: Type.Optional(Type.String()),
  /** The spec before the rollout (taken when the rollout started). */
  previous: Type.Optional(ClusterSpecPart),
  /** The cluster's generation after the rollout's write: the gate waits for status to observe it. */
  generation: Type.Optional(Type.Integer()),
});
export type RolloutClusterStatus = Static<typeof RolloutClusterStatus>;

export const BATCH_STATES = ['Waiting', 'Running', 'Succeeded', 'Failed'] as const;
const BatchState = Type.Union([
  Type.Literal('Waiting'),
  Type.Literal('Running'),
  Type.Literal('Succeeded'),
  Type.Literal('Failed'),
]);
export type BatchState = (typeof BATCH_STATES)[number];
export const RolloutBatchStatus = Type.Object({
  name: Type.String(),
  state: BatchState,
  clusters: Type.Integer(),
  startedAt: Type.Optional(Type.String()),
  finishedAt: Type.Optional(Type.String()),
  /** Clusters not passing the gate by then fail. */
  deadline: Type.Optional(Type.String()),
  /** The same batch during a rollback. */
  rollback: Type.Optional(
    Type.Object({
      state: BatchState,
      startedAt: Type.Optional(Type.String()),
      finishedAt: Type.Optional(Type.String()),
      deadline: Type.Optional(Type.String()),
    }),
  ),
});
export type RolloutBatchStatus = Static<typeof RolloutBatchStatus>;

export const RolloutStatus = Type.Object({
  observedGeneration: Type.Optional(Type.Integer()),
  phase: Type.Optional(
    Type.Union([
      Type.Literal('Pending'),
      Type.Literal('Progressing'),
      Type.Literal('Paused'),
      Type.Literal('Halted'),
      Type.Literal('Succeeded'),
      Type.Literal('Aborted'),
      Type.Literal('RollingBack'),
      Type.Literal('RolledBack'),
    ]),
  ),
  message: Type.Optional(Type.String()),
  /** Progressing (False when halted, with the reason), in that order. */
  conditions: Type.Optional(Type.Array(Condition)),
  startedAt: Type.Optional(Type.String()),
  finishedAt: Type.Optional(Type.String()),
  /** Canary first (when there is one), then the batches, in order. */
  batches: Type.Optional(Type.Array(RolloutBatchStatus)),
  /** Every cluster the target selected when the rollout started, skipped ones with the reason. */
  clusters: Type.Optional(Type.Array(RolloutClusterStatus)),
  /** Clusters that failed their gate. */
  failures: Type.Optional(Type.Integer()),
});
export type RolloutStatus = Static<typeof RolloutStatus>;

export const RolloutKind = defineKind({
  kind: 'Rollout',
  plural: 'rollouts',
  scope: 'tenant-or-project',
  description:
    'One change (profile version, variables, policy, Kubernetes version) applied to the clusters of a group or selector: canary, batches, health gates, auto-halt, pause, abort and rollback.',
  spec: RolloutSpec,
  status: RolloutStatus,
  actions: ['plan'],
});
