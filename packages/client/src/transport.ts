import { ErrorCatalogue, StrataError, type ErrorCode, type Problem } from '@strata/api';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface TransportOptions {
  /** Base URL of the Strata server, e.g. `http://127.0.0.1:7080`. A path prefix is kept. */
  server: string;
  /** Sent as `Authorization: Bearer <apiKey>` (an API key or a login token). */
  apiKey?: string | undefined;
  fetch?: FetchLike | undefined;
  userAgent?: string | undefined;
}

export type QueryValue = string | number | boolean | undefined;

export interface RequestOptions {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Absolute API path, e.g. `/v1/projects/retail/clusters`. */
  path: string;
  query?: Record<string, QueryValue>;
  /** Serialized as JSON. */
  body?: unknown;
  /** Defaults to `application/json` when there is a body. */
  contentType?: string;
  accept?: string;
  signal?: AbortSignal | undefined;
}

export const DEFAULT_USER_AGENT = 'strata-client/0.1.0';
const TEXT_ACCEPT = 'application/yaml, text/plain, application/problem+json';

/** Sends requests, maps failures to StrataError. The one place that touches fetch. */
export class Transport {
  readonly server: string;
  private readonly baseUrl: URL;
  private readonly apiKey: string | undefined;
  private readonly fetchFn: FetchLike;
  private readonly userAgent: string;

  constructor(options: TransportOptions) {
    this.baseUrl = parseServerUrl(options.server);
    this.server = this.baseUrl.href.replace(/\/$/, '');
    this.apiKey = options.apiKey || undefined;
    this.fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
    this.userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
  }

  url(path: string, query?: Record<string, QueryValue>): string {
    const url = new URL(this.baseUrl.pathname.replace(/\/$/, '') + path, this.baseUrl);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
    }
    return url.href;
  }

  /** Sends a request and returns the raw response when it is 2xx; otherwise throws the server's problem. */
  async send(options: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = {
      accept: options.accept ?? 'application/json, application/problem+json',
      'user-agent': this.userAgent,
    };
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    const init: RequestInit = { method: options.method, headers };
    if (options.body !== undefined) {
      headers['content-type'] = options.contentType ?? 'application/json';
      init.body = JSON.stringify(options.body);
    }
    if (options.signal) init.signal = options.signal;
    let response: Response;
    try {
      response = await this.fetchFn(this.url(options.path, options.query), init);
    } catch (err) {
      if (options.signal?.aborted) throw options.signal.reason;
      throw this.unreachable(err);
    }
    if (!response.ok) throw await errorFromResponse(response);
    return response;
  }

  /** Sends a request and parses the JSON body of a 2xx response. */
  async request<T>(options: RequestOptions): Promise<T> {
    const response = await this.send(options);
    const text = await readText(response, options.signal, (err) => this.unreachable(err));
    if (text === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new StrataError(
        'STRATA_INTERNAL',
        `the server sent a response that is not JSON (HTTP ${response.status})`,
      );
    }
  }

  /** Sends a request and returns the body of a 2xx response as text (YAML documents such as a kubeconfig). */
  async requestText(options: RequestOptions): Promise<string> {
    const response = await this.send({ ...options, accept: options.accept ?? TEXT_ACCEPT });
    return readText(response, options.signal, (err) => this.unreachable(err));
  }

  unreachable(err: unknown): ServerUnreachableError {
    return new ServerUnreachableError(`cannot reach server at ${this.server}: ${networkMessage(err)}`, err);
  }
}

/** The request never got an HTTP answer (connection refused, DNS, TLS, reset). Code STRATA_UNAVAILABLE. */
export class ServerUnreachableError extends StrataError {
  constructor(detail: string, cause: unknown) {
    super('STRATA_UNAVAILABLE', detail, [], { cause });
    this.name = 'ServerUnreachableError';
  }
}

/** True when the server could not be reached at all (as opposed to answering with an error). */
export function isUnreachable(err: unknown): err is ServerUnreachableError {
  return err instanceof ServerUnreachableError;
}

function parseServerUrl(server: string): URL {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new StrataError('STRATA_BAD_REQUEST', `invalid server URL "${server}"`, [
      { path: '/server', message: 'must be an http(s) URL' },
    ]);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new StrataError(
      'STRATA_BAD_REQUEST',
      `invalid server URL "${server}": only http and https are supported`,
      [{ path: '/server', message: 'must be an http(s) URL' }],
    );
  }
  url.search = '';
  url.hash = '';
  return url;
}

async function readText(
  response: Response,
  signal: AbortSignal | undefined,
  unreachable: (err: unknown) => StrataError,
): Promise<string> {
  try {
    return await response.text();
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    throw unreachable(err);
  }
}

/** Node's fetch reports "fetch failed" with the useful part (ECONNREFUSED ...) in `cause`. */
function networkMessage(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause;
  if (cause instanceof Error) {
    const code = (cause as Error & { code?: unknown }).code;
    return typeof code === 'string' && !cause.message.includes(code)
      ? `${code} ${cause.message}`
      : cause.message;
  }
  return err.message;
}

/** Turns a non-2xx response into a StrataError: the problem+json body when there is one, else by HTTP status. */
export async function errorFromResponse(response: Response): Promise<StrataError> {
  let text = '';
  try {
    text = await response.text();
  } catch {
    // fall through to a status-based error
  }
  const problem = parseProblem(text);
  if (problem) return StrataError.fromProblem(problem);
  const snippet = text.trim().slice(0, 200);
  const detail = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}${snippet ? `: ${snippet}` : ''}`;
  return new StrataError(codeForStatus(response.status), detail);
}

function parseProblem(text: string): Problem | undefined {
  if (!text) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (isProblem(value)) return value;
  } catch {
    // not JSON
  }
  return undefined;
}

export function isProblem(value: unknown): value is Problem {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === 'string' && typeof v.detail === 'string';
}

const STATUS_CODES: Record<number, ErrorCode> = {
  400: 'STRATA_BAD_REQUEST',
  401: 'STRATA_UNAUTHENTICATED',
  403: 'STRATA_FORBIDDEN',
  404: 'STRATA_NOT_FOUND',
  405: 'STRATA_METHOD_NOT_ALLOWED',
  409: 'STRATA_CONFLICT',
  410: 'STRATA_GONE',
  413: 'STRATA_BODY_TOO_LARGE',
  415: 'STRATA_UNSUPPORTED_MEDIA_TYPE',
  422: 'STRATA_VALIDATION_FAILED',
  429: 'STRATA_RATE_LIMITED',
  502: 'STRATA_UNAVAILABLE',
  503: 'STRATA_UNAVAILABLE',
  504: 'STRATA_UNAVAILABLE',
};

export function codeForStatus(status: number): ErrorCode {
  const code = STATUS_CODES[status];
  if (code && code in ErrorCatalogue) return code;
  return status >= 500 ? 'STRATA_INTERNAL' : 'STRATA_BAD_REQUEST';
}
