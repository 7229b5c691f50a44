/**
 * The one error catalogue. Every error that reaches a user has a stable `code` from this table.
 * docs/errors.md is checked against it by a test (errors.test.ts).
 */
export interface ErrorSpec {
  readonly status: number;
  readonly title: string;
  /** True when the same request may succeed later without change (network, overload). */
  readonly retriable: boolean;
}

export const ErrorCatalogue = {
  STRATA_MALFORMED_BODY: { status: 400, title: 'The request body could not be parsed', retriable: false },
  STRATA_VALIDATION_FAILED: { status: 422, title: 'The object is not valid', retriable: false },
  STRATA_UNKNOWN_KIND: { status: 400, title: 'Unknown kind', retriable: false },
  STRATA_BODY_TOO_LARGE: { status: 413, title: 'The request body is too large', retriable: false },
  STRATA_UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported content type', retriable: false },
  STRATA_HEADERS_TOO_LARGE: { status: 431, title: 'Too many or too large request headers', retriable: false },
  STRATA_REQUEST_TIMEOUT: { status: 408, title: 'The request did not arrive in time', retriable: true },
  STRATA_BAD_REQUEST: { status: 400, title: 'The request is not valid', retriable: false },
  STRATA_UNAUTHENTICATED: { status: 401, title: 'Authentication required', retriable: false },
  STRATA_FORBIDDEN: { status: 403, title: 'Permission denied', retriable: false },
  STRATA_NOT_FOUND: { status: 404, title: 'Not found', retriable: false },
  STRATA_METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed here', retriable: false },
  STRATA_ALREADY_EXISTS: { status: 409, title: 'An object with this name already exists', retriable: false },
  STRATA_CONFLICT: {
    status: 409,
    title: 'Conflicts with the current state (a newer resourceVersion, or not possible yet; see detail)',
    retriable: false,
  },
  STRATA_IMMUTABLE: { status: 409, title: 'The object or field cannot be changed', retriable: false },
  STRATA_IN_USE: { status: 409, title: 'The object is in use', retriable: false },
  STRATA_DELETING: { status: 409, title: 'The object is being deleted', retriable: false },
  STRATA_REFERENCE_NOT_FOUND: { status: 422, title: 'A referenced object does not exist', retriable: false },
  STRATA_GONE: {
    status: 410,
    title:
      'No longer available (a resourceVersion too old to resume from: list again; a used or expired link)',
    retriable: false,
  },
  STRATA_RATE_LIMITED: { status: 429, title: 'Too many requests', retriable: true },
  STRATA_INTERNAL: { status: 500, title: 'Internal error', retriable: true },
  STRATA_UNAVAILABLE: { status: 503, title: 'Service unavailable', retriable: true },
  // packs and profiles
  STRATA_PACK_INVALID: { status: 422, title: 'The pack is not valid', retriable: false },
  STRATA_PROFILE_INVALID: { status: 422, title: 'The cluster profile is not valid', retriable: false },
  STRATA_IMPORT_UNMAPPED: {
    status: 422,
    title: 'The imported pack or profile cannot be converted',
    retriable: false,
  },
  STRATA_PROFILE_PUBLISHED: {
    status: 409,
    title: 'A published profile version is immutable; clone it to make a new version',
    retriable: false,
  },
  STRATA_TEMPLATE_ERROR: { status: 422, title: 'A template could not be rendered', retriable: false },
  STRATA_VARIABLE_INVALID: {
    status: 422,
    title: 'A variable value is missing or has the wrong type',
    retriable: false,
  },
  STRATA_YAML_INVALID: { status: 422, title: 'The YAML could not be read', retriable: false },
  STRATA_VALUES_INVALID: { status: 422, title: 'Values do not match the pack schema', retriable: false },
  STRATA_PACK_NOT_FOUND: {
    status: 422,
    title: 'A referenced pack or pack version does not exist',
    retriable: false,
  },
  STRATA_PACK_EXISTS: {
    status: 409,
    title: 'This pack version already exists with different content; packs are immutable',
    retriable: false,
  },
  STRATA_PACK_SOURCE_UNAVAILABLE: {
    status: 502,
    title: 'The pack source (Helm repository) could not be read',
    retriable: true,
  },
  // providers
  STRATA_PROVIDER_UNSUPPORTED: {
    status: 422,
    title: 'The provider cannot satisfy the cluster spec (e.g. the Kubernetes version is not available)',
    retriable: false,
  },
  STRATA_PROVIDER_FAILED: {
    status: 502,
    title: 'The provider failed to reach or change the infrastructure; the operation will be retried',
    retriable: true,
  },
  // agents
  STRATA_PROTOCOL_UNSUPPORTED: {
    status: 409,
    title: 'The agent speaks a protocol version this server does not support',
    retriable: false,
  },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ErrorCatalogue;

/** One problem with one place in the input. `path` is a JSON pointer into the request body. */
export interface Issue {
  path: string;
  message: string;
  /** Optional finer-grained code, e.g. STRATA_PROFILE_LAYER_ORDER. */
  code?: string;
}

/** RFC 9457 problem details, as the API renders every error. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  retriable: boolean;
  issues?: Issue[];
  instance?: string;
}

export class StrataError extends Error {
  readonly code: ErrorCode;
  readonly issues: Issue[];
  constructor(code: ErrorCode, detail: string, issues: Issue[] = [], options?: { cause?: unknown }) {
    super(detail, options);
    this.name = 'StrataError';
    this.code = code;
    this.issues = issues;
  }
  get status(): number {
    return ErrorCatalogue[this.code].status;
  }
  get retriable(): boolean {
    return ErrorCatalogue[this.code].retriable;
  }
  toProblem(instance?: string): Problem {
    const spec = ErrorCatalogue[this.code];
    const problem: Problem = {
      type: `https://strata.dev/errors/${this.code}`,
      title: spec.title,
      status: spec.status,
      detail: this.message,
      code: this.code,
      retriable: spec.retriable,
    };
    if (this.issues.length > 0) problem.issues = this.issues;
    if (instance) problem.instance = instance;
    return problem;
  }
  static fromProblem(problem: Problem): StrataError {
    const code = problem.code in ErrorCatalogue ? problem.code : 'STRATA_INTERNAL';
    return new StrataError(code, problem.detail, problem.issues ?? []);
  }
}

export function isStrataError(err: unknown): err is StrataError {
  return err instanceof StrataError;
}

export function validationError(issues: Issue[], detail?: string): StrataError {
  const summary = detail ?? `${issues.length} problem${issues.length === 1 ? '' : 's'} (listed in issues)`;
  return new StrataError('STRATA_VALIDATION_FAILED', summary, issues);
}
