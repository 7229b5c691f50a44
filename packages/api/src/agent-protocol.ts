/**
 * The agent ↔ server protocol (docs/contracts/agent-protocol.md). The agent always dials out; every request carries
 * `Authorization: Bearer <agent token>` and the `Strata-Protocol` header. Readers are tolerant: unknown fields are
 * ignored, so an agent one minor version older or newer keeps working; a breaking change bumps AGENT_PROTOCOL.
 */
import { Type, type Static } from 'typebox';
import type { AdoptionPreview } from './cluster-plan.js';
import { LayerState } from './layer-state.js';

/** Protocol major version. The server accepts every version in SUPPORTED_AGENT_PROTOCOLS. */
export const AGENT_PROTOCOL = 1;
export const SUPPORTED_AGENT_PROTOCOLS: readonly number[] = [1];
export const AGENT_PROTOCOL_HEADER = 'strata-protocol';
/**
 * The agent sends the store epoch of the revision it has (DesiredStateMessage.epoch) with its long poll. A server whose
 * epoch differs (it was restored from a backup) answers at once with its current revision, which the agent takes
 * whatever its number. Servers that do not know the header ignore it.
 */
export const AGENT_EPOCH_HEADER = 'strata-epoch';
/** Agent tokens look like `sat.<cluster uid>.<secret>`; the server keeps only a hash of the secret. */
export const AGENT_TOKEN_PREFIX = 'sat';

/** How long the agent may be silent before the server shows it disconnected. Agents report at least every third of it. */
export const AGENT_HEARTBEAT_SECONDS = 30;
export const AGENT_DISCONNECTED_AFTER_SECONDS = 90;

export const AGENT_MODES = ['full', 'read-only'] as const;
export type AgentMode = (typeof AGENT_MODES)[number];

/**
 * GET /v1/agent/desired-state?after=REVISION&waitSeconds=N — long poll. 200 with this body when the cluster's
 * revision is newer than `after`; 204 when nothing changed within waitSeconds (max 60).
 */
export interface DesiredStateMessage {
  protocol: number;
  cluster: { tenant: string; project: string; name: string; uid: string };
  /** Monotonic per cluster within an epoch; every change of the resolved stack or the policy makes a new one. */
  revision: number;
  /**
   * The store's epoch (a random id made with the database and again by every restore). Revisions of different epochs
   * are not comparable: an agent takes a revision of another epoch even when its own number is higher. Absent from
   * servers older than the field.
   */
  epoch?: string;
  /** The ResolvedStack from @strata/core (layers in apply order, each with its content hash). */
  stack: {
    hash: string;
    kubernetesVersion?: string;
    layers: unknown[];
  };
  policy: { drift: 'remediate' | 'report'; paused: boolean };
  mode: AgentMode;
  /**
   * Something the server asks and waits for (import: an adoption preview for `POST .../clusters/NAME/plan`, the
   * selected objects for `POST .../clusters/NAME/generate-profile`). The long poll answers early to deliver it, with the
   * current revision (which the agent already has and ignores). The agent answers with `POST /v1/agent/answer`.
   * Agents that do not know the field ignore it; the server then says the agent did not answer.
   */
  request?: AgentRequest;
}

/** An object of the cluster, by identity. */
export interface AgentObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

/**
 * A request to the agent, by `type`:
 * - `adoption-preview`: what applying `stack` now would do to what already exists (answer: `preview`);
 * - `read-objects`: the objects as they are now, read with the agent's credentials (answer: `read`). Secrets are
 *   never read for this.
 */
export type AgentRequest =
  | {
      /** Echoed in the answer. */
      id: string;
      type: 'adoption-preview';
      /** A resolved stack, in the same shape as DesiredStateMessage.stack. */
      stack: DesiredStateMessage['stack'];
    }
  | { id: string; type: 'read-objects'; objects: AgentObjectRef[] };

export type AgentRequestType = AgentRequest['type'];

/** At most this many objects in one read-objects request. */
export const MAX_READ_OBJECTS = 500;

const ObjectRefSchema = Type.Object({
  apiVersion: Type.String({ maxLength: 253 }),
  kind: Type.String({ maxLength: 253 }),
  namespace: Type.Optional(Type.String({ maxLength: 253 })),
  name: Type.String({ maxLength: 253 }),
});

const ValueChangeSchema = Type.Object({
  path: Type.String({ maxLength: 2048 }),
  type: Type.Union([Type.Literal('added'), Type.Literal('removed'), Type.Literal('changed')]),
  from: Type.Optional(Type.Unknown()),
  to: Type.Optional(Type.Unknown()),
});

/** AdoptionPreview (cluster-plan.ts) as the agent sends it; bounded so a report cannot grow without limit. */
export const AdoptionPreviewSchema = Type.Object({
  stackHash: Type.String({ maxLength: 128 }),
  at: Type.String({ maxLength: 64 }),
  noChanges: Type.Boolean(),
  dryRun: Type.Boolean(),
  layers: Type.Array(
    Type.Object({
      profile: Type.String({ maxLength: 253 }),
      name: Type.String({ maxLength: 253 }),
      objects: Type.Array(
        Type.Object({
          object: ObjectRefSchema,
          action: Type.Union([Type.Literal('adopt'), Type.Literal('create'), Type.Literal('update')]),
          changes: Type.Optional(Type.Array(ValueChangeSchema, { maxItems: 50 })),
        }),
        { maxItems: 5000 },
      ),
      release: Type.Optional(
        Type.Object({
          name: Type.String({ maxLength: 253 }),
          namespace: Type.String({ maxLength: 253 }),
          action: Type.Union([Type.Literal('adopt'), Type.Literal('install'), Type.Literal('upgrade')]),
          revision: Type.Optional(Type.Integer({ minimum: 0 })),
          reason: Type.Optional(Type.String({ maxLength: 4096 })),
        }),
      ),
      note: Type.Optional(Type.String({ maxLength: 4096 })),
    }),
    { maxItems: 512 },
  ),
});

const ReadObjectsSchema = Type.Object({
  /** The objects found, as the API server returned them. */
  objects: Type.Array(Type.Record(Type.String(), Type.Unknown()), { maxItems: 500 }),
  /** The objects not read, with why (not found, forbidden, ...). */
  missing: Type.Array(Type.Object({ object: ObjectRefSchema, reason: Type.String({ maxLength: 4096 }) }), {
    maxItems: 500,
  }),
});
export type ReadObjectsResult = Omit<Static<typeof ReadObjectsSchema>, 'missing'> & {
  missing: { object: AgentObjectRef; reason: string }[];
};

/**
 * POST /v1/agent/answer — the agent's answer to an AgentRequest: exactly one of `preview` (adoption-preview), `read`
 * (read-objects) or `error` (why it could not). Response: 204; 404 when no unanswered request of this cluster has
 * that id.
 */
export const AgentAnswer = Type.Object({
  protocol: Type.Integer({ minimum: 1 }),
  id: Type.String({ minLength: 1, maxLength: 64 }),
  preview: Type.Optional(AdoptionPreviewSchema),
  read: Type.Optional(ReadObjectsSchema),
  error: Type.Optional(Type.String({ maxLength: 4096 })),
});
export type AgentAnswer = Omit<Static<typeof AgentAnswer>, 'preview' | 'read'> & {
  preview?: AdoptionPreview;
  read?: ReadObjectsResult;
};
// The schema and the interface in cluster-plan.ts describe the same thing: keep them in step.
const previewShape: (x: Static<typeof AdoptionPreviewSchema>) => AdoptionPreview = (x) => x;
void previewShape;

export const DriftEntry = Type.Object({
  object: Type.Object({
    apiVersion: Type.String({ maxLength: 253 }),
    kind: Type.String({ maxLength: 253 }),
    namespace: Type.Optional(Type.String({ maxLength: 253 })),
    name: Type.String({ maxLength: 253 }),
  }),
  /** JSON pointer into the object, e.g. `/spec/replicas`; `` (empty) when the whole object is missing. */
  path: Type.String({ maxLength: 2048 }),
  desired: Type.Optional(Type.Unknown()),
  live: Type.Optional(Type.Unknown()),
});
export type DriftEntry = Static<typeof DriftEntry>;

export const AgentLayerReport = Type.Object({
  profile: Type.String({ maxLength: 253 }),
  name: Type.String({ maxLength: 253 }),
  hash: Type.String({ maxLength: 128 }),
  state: LayerState,
  message: Type.Optional(Type.String({ maxLength: 4096 })),
  drift: Type.Optional(Type.Array(DriftEntry, { maxItems: 200 })),
});
export type AgentLayerReport = Static<typeof AgentLayerReport>;

/** POST /v1/agent/status — also the heartbeat. Response: StatusAck. */
export const AgentStatusReport = Type.Object({
  protocol: Type.Integer({ minimum: 1 }),
  agentVersion: Type.String({ maxLength: 64 }),
  /** The desired-state revision the layers below describe (0 before the first one arrived). */
  revision: Type.Integer({ minimum: 0 }),
  /**
   * The store epoch that revision counts in (DesiredStateMessage.epoch). A report of another epoch (sent to a server
   * restored from a backup, before the agent took its revision) does not count as reporting the server's revision.
   */
  epoch: Type.Optional(Type.String({ maxLength: 64 })),
  /** When the agent observed this (reports queued while offline arrive late; the server keeps the newest). */
  observedAt: Type.String({ maxLength: 64 }),
  kubernetesVersion: Type.Optional(Type.String({ maxLength: 64 })),
  nodes: Type.Optional(
    Type.Object({ total: Type.Integer({ minimum: 0 }), ready: Type.Integer({ minimum: 0 }) }),
  ),
  health: Type.Union([Type.Literal('Healthy'), Type.Literal('Degraded'), Type.Literal('Unknown')]),
  layers: Type.Array(AgentLayerReport, { maxItems: 512 }),
  /** Free-form discovery data (import, issue 7); ignored by servers that do not know it. */
  discovery: Type.Optional(Type.Unknown()),
});
export type AgentStatusReport = Static<typeof AgentStatusReport>;

export interface StatusAck {
  /** The newest revision on the server: when it is above the agent's, the agent pulls. */
  revision: number;
}

/**
 * GET /v1/agent/charts/DIGEST — the chart bundled in a pack (`helm.bundled.digest` of a resolved layer), as the
 * pack stores it: a base64 `.tgz` archive or the files of a chart directory.
 */
export interface BundledChartMessage {
  name: string;
  version: string;
  archive?: string;
  files?: Record<string, string>;
}
