import type { BackoffOptions, KindDefinition, Resource, ResourceInput } from '@strata/api';
import type { QueryValue } from './transport.js';

/** A kind given by its definition or by any CLI alias (`cluster`, `clusters`, `profile`). */
export type KindRef = string | KindDefinition;

export interface CallOptions {
  signal?: AbortSignal | undefined;
}

export interface ScopeOptions extends CallOptions {
  /** The project of project-scoped objects; ignored for tenant-scoped kinds. */
  project?: string | undefined;
}

export interface ItemOptions extends ScopeOptions {
  /** For versioned kinds (ClusterProfile, Pack): address one version. */
  version?: string | undefined;
}

/** A request to a path below one object (`{object}/events`, `{object}/kubeconfig`). */
export interface SubresourceOptions extends ItemOptions {
  /** Default GET. */
  method?: 'GET' | 'POST' | undefined;
  /** Sent as JSON (POST only). */
  body?: unknown;
  query?: Record<string, QueryValue> | undefined;
}

export interface ListOptions extends ScopeOptions {
  /** kubectl syntax: `env=prod,tier!=web,region in (a,b),!legacy`. */
  labelSelector?: string | undefined;
  limit?: number | undefined;
  continue?: string | undefined;
}

export interface ListAllOptions extends ScopeOptions {
  labelSelector?: string | undefined;
  /** Items per request. Default 500. */
  pageSize?: number | undefined;
}

/** `dryRun=All`: the server runs every check and answers with the result, but stores nothing. */
export interface DryRunOption {
  dryRun?: boolean | undefined;
}

export interface DeleteOptions extends ItemOptions, DryRunOption {
  /** Precondition: delete only if the object still has this resourceVersion. */
  resourceVersion?: string | undefined;
}

export interface WatchOptions extends ScopeOptions {
  labelSelector?: string | undefined;
  /**
   * Resume after this resourceVersion. Without it the server first sends every current object as ADDED.
   */
  resourceVersion?: string | undefined;
  /**
   * When the server says the resourceVersion is too old (410 STRATA_GONE): list again and continue, emitting
   * ADDED/MODIFIED/DELETED for what changed meanwhile. Default false: the iterator throws the error.
   */
  relistOnGone?: boolean | undefined;
  /** Yield BOOKMARK events too. Default false. */
  bookmarks?: boolean | undefined;
  /** Reconnect delays after network errors and retriable server errors. Default: 250 ms doubling up to 10 s. */
  backoff?: BackoffOptions | undefined;
  /** Give up after this many consecutive failed connection attempts. Default: never. */
  maxRetries?: number | undefined;
}

export interface WriteOptions extends ScopeOptions, DryRunOption {}

export interface PatchOptions extends ItemOptions, DryRunOption {}

export type ApplyAction = 'created' | 'configured' | 'unchanged';

export interface ApplyResult<T = Resource> {
  action: ApplyAction;
  object: T;
}

export interface LoginRequest {
  username: string;
  password: string;
  /** Tenant to sign in to, when the user name is not unique across tenants. */
  tenant?: string | undefined;
}

export interface LoginResult {
  token: string;
  expiresAt: string;
  user: string;
  tenant: string;
}

/** A tenant's identity provider, as sign-in pages list them. */
export interface SsoProvider {
  name: string;
  displayName: string;
}

/** A device sign-in started (`POST /v1/sso/device`): show the code and where to enter it, then poll with `handle`. */
export interface SsoDeviceStart {
  handle: string;
  userCode: string;
  verificationUri: string;
  verificationUriComplete?: string;
  intervalSeconds: number;
  expiresAt: string;
}

export type SsoDevicePoll = { status: 'pending' } | ({ status: 'complete' } & LoginResult);

export interface WhoAmI {
  user: string;
  tenant: string;
  roles: string[];
}

/** One file of a pack directory: UTF-8 text, or `{base64}` for binary content (a chart `.tgz`). */
export type PackFile = string | { base64: string };

/** A pack directory for `pushPack`: path relative to the pack root (`/`-separated) → content. */
export type PackFiles = Record<string, PackFile>;

/** `created` for a new name+version; `unchanged` when the same content was pushed before. */
export interface PackPushResult<T = Resource> {
  action: 'created' | 'unchanged';
  object: T;
}

/** One line of a conversion report: what happened to a source path (see docs/reference/palette-import.md). */
export interface ImportNote {
  path: string;
  action: 'translated' | 'dropped' | 'error';
  message: string;
}

/** `POST /v1/packs/import`: a dry run says whether the pack converts; a real import stores it. */
export interface PackImportResult<T = Resource> {
  source: string;
  action: 'created' | 'unchanged' | 'convertible' | 'not-convertible';
  name?: string;
  version?: string;
  report: ImportNote[];
  object?: T;
}

export interface ProfileImportRequest {
  /** Export YAML, import JSON or Terraform HCL. */
  text: string;
  format?: 'yaml' | 'json' | 'hcl';
  /** The drafts' version when the source has none. */
  version?: string;
  dryRun?: boolean;
  /** The project the drafts go to; absent: tenant-scoped. */
  project?: string;
}

export interface ProfileImportItem<T = Resource> {
  source: string;
  action: 'created' | 'valid' | 'invalid' | 'not-convertible';
  name?: string;
  version?: string;
  report: ImportNote[];
  issues: { path: string; message: string; code?: string }[];
  object?: T;
}

export interface ProfileImportResult<T = Resource> {
  format: 'yaml' | 'json' | 'hcl';
  /** Notes about the file as a whole. */
  report: ImportNote[];
  items: ProfileImportItem<T>[];
}

export type { ResourceInput };
