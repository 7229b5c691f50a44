import { Type, type Static, type TSchema } from 'typebox';

export const API_VERSION = 'strata.dev/v1alpha1';

/** DNS-1123 label: lowercase alphanumerics and '-', starting and ending alphanumeric, at most 63 chars. */
export const DNS1123_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
export const NAME_MAX_LENGTH = 63;

export const Name = Type.String({ pattern: DNS1123_LABEL, minLength: 1, maxLength: NAME_MAX_LENGTH });

const LabelKey =
  '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$';
/** At most this many labels, and this many annotations, per object (each label is a row in the label index). */
export const MAX_LABELS = 64;
export const MAX_ANNOTATIONS = 64;
export const Labels = Type.Record(
  Type.String({ pattern: LabelKey }),
  Type.String({ maxLength: 63, pattern: '^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$' }),
  { maxProperties: MAX_LABELS },
);
export const Annotations = Type.Record(Type.String({ maxLength: 253 }), Type.String({ maxLength: 65536 }), {
  maxProperties: MAX_ANNOTATIONS,
});

/** Metadata as a client writes it. Server-set fields are accepted (for round-trips) but ignored, except resourceVersion. */
export const ObjectMetaInput = Type.Object(
  {
    name: Name,
    project: Type.Optional(Name),
    labels: Type.Optional(Labels),
    annotations: Type.Optional(Annotations),
    resourceVersion: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
    finalizers: Type.Optional(Type.Array(Type.String({ maxLength: 253 }), { maxItems: 32 })),
    uid: Type.Optional(Type.String()),
    tenant: Type.Optional(Type.String()),
    generation: Type.Optional(Type.Integer()),
    createdAt: Type.Optional(Type.String()),
    updatedAt: Type.Optional(Type.String()),
    deletedAt: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export interface ObjectMeta {
  name: string;
  /** Omitted for tenant-scoped objects. */
  project?: string;
  tenant: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  uid: string;
  resourceVersion: string;
  generation: number;
  finalizers: string[];
  createdAt: string;
  updatedAt: string;
  deletedAt?: string;
}

export const ConditionStatus = Type.Union([
  Type.Literal('True'),
  Type.Literal('False'),
  Type.Literal('Unknown'),
]);
export const Condition = Type.Object({
  type: Type.String(),
  status: ConditionStatus,
  reason: Type.String(),
  message: Type.String(),
  lastTransitionTime: Type.String(),
  observedGeneration: Type.Optional(Type.Integer()),
});
export type Condition = Static<typeof Condition>;

/** Every status carries these; kinds add their own fields. */
export interface BaseStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  [key: string]: unknown;
}

/** The uniform envelope of every object (SPEC.md §2). */
export interface Resource<Spec = Record<string, unknown>, Status extends BaseStatus = BaseStatus> {
  apiVersion: typeof API_VERSION;
  kind: string;
  metadata: ObjectMeta;
  spec: Spec;
  status: Status;
}

/** The shape a client sends: metadata partially filled, no status. */
export interface ResourceInput<Spec = Record<string, unknown>> {
  apiVersion?: string;
  kind?: string;
  metadata: Partial<ObjectMeta> & { name: string };
  spec?: Spec;
  status?: unknown;
}

/** Builds the strict input schema (envelope + spec) for a kind. */
export function inputSchema(kind: string, spec: TSchema) {
  return Type.Object(
    {
      apiVersion: Type.Optional(Type.Literal(API_VERSION)),
      kind: Type.Optional(Type.Literal(kind)),
      metadata: ObjectMetaInput,
      spec,
      status: Type.Optional(Type.Unknown()),
    },
    { additionalProperties: false, $id: `${kind}Input` },
  );
}

export interface ListResult<T> {
  apiVersion: typeof API_VERSION;
  kind: 'List';
  items: T[];
  /** Opaque token for the next page; absent on the last page. */
  continue?: string;
  /** The store's resourceVersion at the time of the list: resume a watch from here. */
  resourceVersion: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';
export interface WatchEvent<T = Resource> {
  type: WatchEventType;
  object: T;
}
