import {
  StrataError,
  collectionPath,
  objectPath,
  requireKind,
  type KindDefinition,
  type ListResult,
  type Resource,
  type ResourceInput,
  type WatchEvent,
} from '@strata/api';
import { applyObject } from './apply.js';
import { ClusterActions } from './cluster-actions.js';
import { FleetActions } from './fleet-actions.js';
import { Transport, type RequestOptions, type TransportOptions } from './transport.js';
import type {
  ApplyResult,
  CallOptions,
  DeleteOptions,
  DryRunOption,
  ItemOptions,
  KindRef,
  ListAllOptions,
  ListOptions,
  PatchOptions,
  LoginRequest,
  LoginResult,
  SsoDevicePoll,
  SsoDeviceStart,
  SsoProvider,
  PackFiles,
  PackPushResult,
  PackImportResult,
  ProfileImportRequest,
  ProfileImportResult,
  ScopeOptions,
  SubresourceOptions,
  WatchOptions,
  WhoAmI,
  WriteOptions,
} from './types.js';
import { watchCollection } from './watch.js';

export type StrataClientOptions = TransportOptions;

/** The typed HTTP client for the Strata API, shared by the CLI and the web console. */
export class StrataClient {
  readonly server: string;
  /** The Cluster actions: plan, upgrade, scale, approve-repave, kubeconfig, agent manifest and token, events. */
  readonly clusters: ClusterActions;
  readonly fleet: FleetActions;
  private readonly options: StrataClientOptions;
  private readonly transport: Transport;

  constructor(options: StrataClientOptions) {
    this.options = options;
    this.transport = new Transport(options);
    this.server = this.transport.server;
    this.clusters = new ClusterActions(this);
    this.fleet = new FleetActions(this);
  }

  /** The same client with other credentials (e.g. the token returned by `login`). */
  withApiKey(apiKey: string | undefined): StrataClient {
    return new StrataClient({ ...this.options, apiKey });
  }

  /** Any API call: JSON in, JSON out, problems thrown as StrataError. */
  async request<T>(options: RequestOptions): Promise<T> {
    return this.transport.request<T>(options);
  }

  async get<T extends Resource = Resource>(
    kind: KindRef,
    name: string,
    options: ItemOptions = {},
  ): Promise<T> {
    return this.request<T>({
      method: 'GET',
      path: this.itemPath(kind, name, options),
      signal: options.signal,
    });
  }

  async list<T extends Resource = Resource>(
    kind: KindRef,
    options: ListOptions = {},
  ): Promise<ListResult<T>> {
    return this.request<ListResult<T>>({
      method: 'GET',
      path: this.collection(kind, options.project),
      query: { labelSelector: options.labelSelector, limit: options.limit, continue: options.continue },
      signal: options.signal,
    });
  }

  /** Every page of a list, following `continue` tokens. */
  async *pages<T extends Resource = Resource>(
    kind: KindRef,
    options: ListAllOptions = {},
  ): AsyncGenerator<ListResult<T>> {
    let token: string | undefined;
    do {
      const page = await this.list<T>(kind, { ...options, limit: options.pageSize ?? 500, continue: token });
      yield page;
      token = page.continue;
    } while (token);
  }

  /** The whole collection in one ListResult; its resourceVersion is the first page's (resume a watch from it). */
  async listAll<T extends Resource = Resource>(
    kind: KindRef,
    options: ListAllOptions = {},
  ): Promise<ListResult<T>> {
    const items: T[] = [];
    let resourceVersion: string | undefined;
    for await (const page of this.pages<T>(kind, options)) {
      items.push(...page.items);
      resourceVersion ??= page.resourceVersion;
    }
    return {
      apiVersion: 'strata.dev/v1alpha1',
      kind: 'List',
      items,
      resourceVersion: resourceVersion ?? '0',
    };
  }

  async create<T extends Resource = Resource>(object: ResourceInput, options: WriteOptions = {}): Promise<T> {
    const kind = kindOf(object);
    return this.request<T>({
      method: 'POST',
      path: collectionPath(kind, projectFor(kind, object, options)),
      body: object,
      query: dryRunQuery(options),
      signal: options.signal,
    });
  }

  /** Replaces labels, annotations and spec. A metadata.resourceVersion makes it conditional (409 when stale). */
  async update<T extends Resource = Resource>(object: ResourceInput, options: WriteOptions = {}): Promise<T> {
    const kind = kindOf(object);
    const path = this.itemPath(kind, object.metadata.name, {
      project: projectFor(kind, object, options),
      version: versionOf(kind, object),
    });
    return this.request<T>({
      method: 'PUT',
      path,
      body: object,
      query: dryRunQuery(options),
      signal: options.signal,
    });
  }

  /** RFC 7396 JSON merge patch. */
  async patch<T extends Resource = Resource>(
    kind: KindRef,
    name: string,
    patch: Record<string, unknown>,
    options: PatchOptions = {},
  ): Promise<T> {
    return this.request<T>({
      method: 'PATCH',
      path: this.itemPath(kind, name, options),
      body: patch,
      query: dryRunQuery(options),
      contentType: 'application/merge-patch+json',
      signal: options.signal,
    });
  }

  /** Deletes (or, with finalizers, marks as deleting: the result then has metadata.deletedAt). */
  async delete<T extends Resource = Resource>(
    kind: KindRef,
    name: string,
    options: DeleteOptions = {},
  ): Promise<T> {
    return this.request<T>({
      method: 'DELETE',
      path: this.itemPath(kind, name, options),
      query: { resourceVersion: options.resourceVersion, ...dryRunQuery(options) },
      signal: options.signal,
    });
  }

  /** The versions of a versioned kind (ClusterProfile, Pack). */
  async versions<T extends Resource = Resource>(
    kind: KindRef,
    name: string,
    options: ScopeOptions = {},
  ): Promise<ListResult<T>> {
    const def = resolveKind(kind);
    requireVersioned(def);
    return this.request<ListResult<T>>({
      method: 'GET',
      path: `${objectPath(def, name, options.project)}/versions`,
      signal: options.signal,
    });
  }

  /** A kind-specific action: `POST {object}/{action}` (e.g. ClusterProfile publish). */
  async action<R = unknown>(
    kind: KindRef,
    name: string,
    action: string,
    body: unknown = {},
    options: ItemOptions = {},
  ): Promise<R> {
    const def = resolveKind(kind);
    if (!def.actions?.includes(action)) {
      const known = def.actions?.length ? `; known actions: ${def.actions.join(', ')}` : '';
      throw new StrataError('STRATA_BAD_REQUEST', `${def.kind} has no action "${action}"${known}`);
    }
    return this.subresource<R>(def, name, action, { ...options, method: 'POST', body });
  }

  /** A path below one object, JSON in and out: `GET {object}/events`, `POST {object}/scale`. */
  async subresource<R = unknown>(
    kind: KindRef,
    name: string,
    path: string,
    options: SubresourceOptions = {},
  ): Promise<R> {
    return this.request<R>(this.subresourceRequest(kind, name, path, options));
  }

  /** Like `subresource`, for text answers (YAML such as a kubeconfig or an agent manifest). */
  async subresourceText(
    kind: KindRef,
    name: string,
    path: string,
    options: SubresourceOptions = {},
  ): Promise<string> {
    return this.transport.requestText(this.subresourceRequest(kind, name, path, options));
  }

  /** Follows changes of a collection; see WatchOptions for resume, reconnect and re-list behaviour. */
  watch<T extends Resource = Resource>(
    kind: KindRef,
    options: WatchOptions = {},
  ): AsyncIterable<WatchEvent<T>> {
    const def = resolveKind(kind);
    const path = this.collection(def, options.project);
    const listAll = (signal: AbortSignal | undefined) =>
      this.listAll(def, { project: options.project, labelSelector: options.labelSelector, signal });
    return watchCollection<T>({ transport: this.transport, path, listAll }, options);
  }

  /** Create-or-update; `unchanged` when nothing would change (or nothing did). */
  async apply<T extends Resource = Resource>(
    object: ResourceInput,
    options: WriteOptions = {},
  ): Promise<ApplyResult<T>> {
    const kind = kindOf(object);
    return applyObject<T>(
      {
        get: (name, o) => this.get<T>(kind, name, o),
        create: (o, w) => this.create<T>(o, w),
        update: (o, w) => this.update<T>(o, w),
      },
      object,
      options,
    );
  }

  /**
   * Uploads a pack directory (`POST /v1/packs/push`). The server validates it (422 STRATA_PACK_INVALID with every
   * issue); a name+version is immutable: the same content again is `unchanged`, other content 409 STRATA_IMMUTABLE.
   */
  async pushPack<T extends Resource = Resource>(
    files: PackFiles,
    options: CallOptions = {},
  ): Promise<PackPushResult<T>> {
    return this.request<PackPushResult<T>>({
      method: 'POST',
      path: '/v1/packs/push',
      body: { files },
      signal: options.signal,
    });
  }

  /**
   * Converts a Palette pack directory (`POST /v1/packs/import`) and stores it, or with `dryRun` only reports. A pack
   * that cannot be converted is a 422 STRATA_IMPORT_UNMAPPED naming each problem.
   */
  async importPalettePack<T extends Resource = Resource>(
    files: PackFiles,
    options: CallOptions & { source?: string; dryRun?: boolean } = {},
  ): Promise<PackImportResult<T>> {
    return this.request<PackImportResult<T>>({
      method: 'POST',
      path: '/v1/packs/import',
      body: {
        from: 'palette',
        files,
        ...(options.source ? { source: options.source } : {}),
        ...(options.dryRun ? { dryRun: true } : {}),
      },
      signal: options.signal,
    });
  }

  /**
   * Converts Palette cluster profiles (`POST .../clusterprofiles/import`) into draft profiles: all or nothing (422
   * with every problem); with `dryRun`, the report and validation issues of each without storing.
   */
  async importPaletteProfiles<T extends Resource = Resource>(
    request: ProfileImportRequest,
    options: CallOptions = {},
  ): Promise<ProfileImportResult<T>> {
    const { project, ...body } = request;
    return this.request<ProfileImportResult<T>>({
      method: 'POST',
      path: project
        ? `/v1/projects/${encodeURIComponent(project)}/clusterprofiles/import`
        : '/v1/clusterprofiles/import',
      body: { from: 'palette', ...body },
      signal: options.signal,
    });
  }

  /** Exchanges a user name and password for a token; use it with `withApiKey(result.token)`. */
  async login(request: LoginRequest, options: CallOptions = {}): Promise<LoginResult> {
    return this.request<LoginResult>({
      method: 'POST',
      path: '/v1/login',
      body: request,
      signal: options.signal,
    });
  }

  /** The identity providers a tenant's users can sign in with (public). */
  async ssoProviders(tenant?: string, options: CallOptions = {}): Promise<SsoProvider[]> {
    const r = await this.request<{ items: SsoProvider[] }>({
      method: 'GET',
      path: '/v1/sso/providers',
      ...(tenant ? { query: { tenant } } : {}),
      signal: options.signal,
    });
    return r.items;
  }

  /**
   * Where a browser starts a single sign-on: the server redirects it to the provider, then back to `redirect` with
   * `?code=` (or `?error=`); collect the session with `ssoToken(code, verifier)`, where `challenge` is the
   * base64url SHA-256 of `verifier`.
   */
  ssoAuthorizeUrl(o: { provider: string; redirect: string; challenge: string; tenant?: string }): string {
    const q = new URLSearchParams({
      provider: o.provider,
      redirect: o.redirect,
      challenge: o.challenge,
      ...(o.tenant ? { tenant: o.tenant } : {}),
    });
    return `${this.server}/v1/sso/authorize?${q.toString()}`;
  }

  async ssoToken(code: string, verifier: string, options: CallOptions = {}): Promise<LoginResult> {
    return this.request<LoginResult>({
      method: 'POST',
      path: '/v1/sso/token',
      body: { code, verifier },
      signal: options.signal,
    });
  }

  async ssoDeviceStart(
    provider: string,
    tenant?: string,
    options: CallOptions = {},
  ): Promise<SsoDeviceStart> {
    return this.request<SsoDeviceStart>({
      method: 'POST',
      path: '/v1/sso/device',
      body: { provider, ...(tenant ? { tenant } : {}) },
      signal: options.signal,
    });
  }

  /** Waits one polling interval at the server for the device sign-in: pending, or the session. */
  async ssoDevicePoll(handle: string, options: CallOptions = {}): Promise<SsoDevicePoll> {
    return this.request<SsoDevicePoll>({
      method: 'POST',
      path: '/v1/sso/device/token',
      body: { handle },
      signal: options.signal,
    });
  }

  async whoami(options: CallOptions = {}): Promise<WhoAmI> {
    return this.request<WhoAmI>({ method: 'GET', path: '/v1/whoami', signal: options.signal });
  }

  private subresourceRequest(
    kind: KindRef,
    name: string,
    path: string,
    options: SubresourceOptions,
  ): RequestOptions {
    const method = options.method ?? 'GET';
    return {
      method,
      path: `${this.itemPath(kind, name, options)}/${path}`,
      ...(options.query ? { query: options.query } : {}),
      ...(method === 'POST' ? { body: options.body ?? {} } : {}),
      signal: options.signal,
    };
  }

  private collection(kind: KindRef, project: string | undefined): string {
    const def = resolveKind(kind);
    requireProject(def, project);
    return collectionPath(def, project);
  }

  private itemPath(kind: KindRef, name: string, options: ItemOptions): string {
    const def = resolveKind(kind);
    requireProject(def, options.project);
    const base = objectPath(def, name, options.project);
    if (options.version === undefined) return base;
    requireVersioned(def);
    return `${base}/versions/${encodeURIComponent(options.version)}`;
  }
}

export function resolveKind(kind: KindRef): KindDefinition {
  return typeof kind === 'string' ? requireKind(kind) : kind;
}

function kindOf(object: ResourceInput): KindDefinition {
  if (!object.kind)
    throw new StrataError('STRATA_BAD_REQUEST', 'the object has no kind', [
      { path: '/kind', message: 'required' },
    ]);
  return requireKind(object.kind);
}

function projectFor(kind: KindDefinition, object: ResourceInput, options: WriteOptions): string | undefined {
  const own = object.metadata.project;
  if (own && options.project && own !== options.project) {
    throw new StrataError(
      'STRATA_BAD_REQUEST',
      `the object's project "${own}" does not match the requested project "${options.project}"`,
      [{ path: '/metadata/project', message: `must be "${options.project}" or omitted` }],
    );
  }
  return kind.scope === 'system' || kind.scope === 'tenant' ? undefined : (own ?? options.project);
}

function versionOf(kind: KindDefinition, object: ResourceInput): string | undefined {
  if (!kind.versioned) return undefined;
  const version = (object.spec as { version?: unknown } | undefined)?.version;
  return typeof version === 'string' ? version : undefined;
}

function requireProject(kind: KindDefinition, project: string | undefined): void {
  if (kind.scope === 'project' && !project) {
    throw new StrataError('STRATA_BAD_REQUEST', `${kind.kind} is project-scoped: give a project`, [
      { path: '/metadata/project', message: 'required' },
    ]);
  }
}

function requireVersioned(kind: KindDefinition): void {
  if (!kind.versioned) throw new StrataError('STRATA_BAD_REQUEST', `${kind.kind} is not versioned`);
}

/** The query of a write: `dryRun=All` when asked, nothing otherwise. */
function dryRunQuery(options: DryRunOption): Record<string, string | undefined> {
  return { dryRun: options.dryRun ? 'All' : undefined };
}
