import { Type, type Static, type TSchema } from 'typebox';
import type { Issue } from './errors.js';
import { jsonPointerSegment } from './json-bounds.js';

export const API_VERSION = 'strata.dev/v1alpha1';

/** DNS-1123 label: lowercase alphanumerics and '-', starting and ending alphanumeric, at most 63 chars. */
export const DNS1123_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
export const NAME_MAX_LENGTH = 63;

export const Name = Type.String({ pattern: DNS1123_LABEL, minLength: 1, maxLength: NAME_MAX_LENGTH });

/** Kubernetes' qualified name: an optional DNS-subdomain prefix (at most 253 characters) and "/", then a name. */
const QUALIFIED_NAME_PREFIX = '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*';
const QUALIFIED_NAME_NAME = '[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?';
const QualifiedName = Type.String({
  maxLength: 253 + 1 + 63,
  pattern: `^((?=[^/]{1,253}/)${QUALIFIED_NAME_PREFIX}/)?${QUALIFIED_NAME_NAME}$`,
});
const LABEL_VALUE = `^(${QUALIFIED_NAME_NAME})?$`;
/** Label keys are qualified names, values at most 63 characters of the name charset, or empty (like Kubernetes). */
/** At most this many labels, and this many annotations, per object (each label is a row in the label index). */
export const MAX_LABELS = 64;
export const MAX_ANNOTATIONS = 64;
export const Labels = Type.Record(Type.String(), Type.String({ maxLength: 63, pattern: LABEL_VALUE }), {
  propertyNames: QualifiedName,
  maxProperties: MAX_LABELS,
});
export const Annotations = Type.Record(Type.String(), Type.String({ maxLength: 65536 }), {
  propertyNames: QualifiedName,
  maxProperties: MAX_ANNOTATIONS,
});

const PREFIX_RE = new RegExp(`^${QUALIFIED_NAME_PREFIX}$`);
const NAME_RE = new RegExp(`^${QUALIFIED_NAME_NAME}$`);
const NAME_RULE = 'at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit';

/** Why a label or annotation key is not a qualified name, or undefined when it is one. */
export function qualifiedNameProblem(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return 'it has more than one "/"';
  const name = parts[parts.length - 1] ?? '';
  const prefix = parts.length === 2 ? (parts[0] ?? '') : undefined;
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !PREFIX_RE.test(prefix)))
    return 'its prefix (before "/") must be a DNS subdomain of at most 253 characters: lowercase letters, digits, "-" and "."';
  if (name.length === 0) return 'the name (after any prefix) is empty';
  if (name.length > 63 || !NAME_RE.test(name)) return `the name (after any prefix) must be ${NAME_RULE}`;
  return undefined;
}

/**
 * Label and annotation rules as issues with clear messages (the schema holds the same rules, for the OpenAPI
 * document): keys are qualified names, label values are empty or a name.
 */
export function metadataKeyIssues(metadata: unknown): Issue[] {
  if (!isObject(metadata)) return [];
  const issues: Issue[] = [];
  for (const field of ['labels', 'annotations'] as const) {
    const map = metadata[field];
    if (!isObject(map)) continue;
    const what = field === 'labels' ? 'label' : 'annotation';
    for (const [key, value] of Object.entries(map)) {
      const path = `/metadata/${field}/${jsonPointerSegment(key)}`;
      const problem = qualifiedNameProblem(key);
      if (problem) issues.push({ path, message: `${what} key ${show(key)} is not valid: ${problem}` });
      if (
        field === 'labels' &&
        typeof value === 'string' &&
        !(value.length <= 63 && (value === '' || NAME_RE.test(value)))
      )
        issues.push({
          path,
          message: `label value ${show(value)} is not valid: it must be empty or ${NAME_RULE}`,
        });
    }
  }
  return issues;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(text: string): string {
  return JSON.stringify(text.length > 64 ? `${text.slice(0, 61)}...` : text);
}

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
