/**
 * The few Kubernetes operations the agent needs, on raw JSON: discovery, get, list, server-side apply, delete,
 * watch and the server version. Errors are typed (KubeApiError carries the HTTP status, reason and causes).
 */
import { isPlainObject } from '@strata/core';
import { AgentError } from '../errors.js';
import { Discovery, type ResourceInfo } from './discovery.js';
import { groupOf, type KubeObject, type ObjectRef } from './object-ref.js';
import { KubeTransport, type KubeRequest, type KubeResponse } from './transport.js';
import type { KubeCredentials } from './credentials.js';

/** Everything the agent writes carries this field manager, so server-side apply knows which fields are ours. */
export const FIELD_MANAGER = 'strata';

export interface ApiCause {
  field?: string;
  message?: string;
}

export class KubeApiError extends AgentError {
  readonly status: number;
  readonly reason: string;
  readonly causes: ApiCause[];
  constructor(status: number, reason: string, message: string, causes: ApiCause[]) {
    // 409 (conflict), 429 (throttled) and 5xx pass by themselves; 4xx validation errors do not.
    const retriable = status === 409 || status === 429 || status >= 500;
    super(status === 409 && reason === 'Conflict' ? 'ApplyConflict' : 'KubeApiError', message, { retriable });
    this.name = 'KubeApiError';
    this.status = status;
    this.reason = reason;
    this.causes = causes;
  }
}

function apiError(res: KubeResponse, what: string): KubeApiError {
  const body = isPlainObject(res.body) ? res.body : {};
  const message = typeof body.message === 'string' ? body.message : `${what}: HTTP ${res.status}`;
  const reason = typeof body.reason === 'string' ? body.reason : '';
  const details = isPlainObject(body.details) ? body.details : {};
  const causes = Array.isArray(details.causes)
    ? details.causes.filter(isPlainObject).map((c) => ({
        ...(typeof c.field === 'string' ? { field: c.field } : {}),
        ...(typeof c.message === 'string' ? { message: c.message } : {}),
      }))
    : [];
  return new KubeApiError(res.status, reason, message, causes);
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: KubeObject;
}

export interface ApplyResult {
  object: KubeObject;
  /** True when this apply created the object (HTTP 201). */
  created: boolean;
}

export class KubeClient {
  readonly transport: KubeTransport;
  readonly discovery: Discovery;

  constructor(credentials: KubeCredentials) {
    this.transport = new KubeTransport(credentials);
    this.discovery = new Discovery((path) => this.transport.request({ method: 'GET', path }));
  }

  close(): void {
    this.transport.close();
  }

  private async call(req: KubeRequest, what: string): Promise<KubeResponse> {
    const res = await this.transport.request(req);
    if (res.status >= 400) throw apiError(res, what);
    return res;
  }

  /** The collection path of a kind (all namespaces when `namespace` is undefined). */
  collectionPath(info: ResourceInfo, apiVersion: string, namespace?: string): string {
    const base = groupOf(apiVersion) === '' ? `/api/${apiVersion}` : `/apis/${apiVersion}`;
    return info.namespaced && namespace
      ? `${base}/namespaces/${encodeURIComponent(namespace)}/${info.plural}`
      : `${base}/${info.plural}`;
  }

  async objectPath(ref: ObjectRef): Promise<{ path: string; info: ResourceInfo }> {
    const info = await this.discovery.require(ref.apiVersion, ref.kind);
    if (info.namespaced && !ref.namespace)
      throw new AgentError('KubeApiError', `${ref.kind} ${ref.name} is namespaced but has no namespace`);
    const collection = this.collectionPath(info, ref.apiVersion, ref.namespace);
    return { path: `${collection}/${encodeURIComponent(ref.name)}`, info };
  }

  /** The live object, or undefined when it does not exist. */
  async get(ref: ObjectRef, signal?: AbortSignal): Promise<KubeObject | undefined> {
    const { path } = await this.objectPath(ref);
    const res = await this.transport.request({ method: 'GET', path, signal });
    if (res.status === 404) return undefined;
    if (res.status >= 400) throw apiError(res, `get ${ref.kind} ${ref.name}`);
    return isPlainObject(res.body) ? res.body : undefined;
  }

  /** Server-side apply with the `strata` field manager. `dryRun` shows the result without persisting it. */
  async apply(
    obj: KubeObject,
    ref: ObjectRef,
    options: { force: boolean; dryRun?: boolean; signal?: AbortSignal },
  ): Promise<ApplyResult> {
    const { path } = await this.objectPath(ref);
    const res = await this.call(
      {
        method: 'PATCH',
        path,
        query: {
          fieldManager: FIELD_MANAGER,
          force: options.force,
          dryRun: options.dryRun ? 'All' : undefined,
        },
        body: obj,
        // JSON is YAML, so the apply patch content type accepts it as is.
        contentType: 'application/apply-patch+yaml',
        signal: options.signal,
      },
      `apply ${ref.kind} ${ref.name}`,
    );
    return { object: isPlainObject(res.body) ? res.body : {}, created: res.status === 201 };
  }

  /** A JSON merge patch (used to hand adopted objects back: it removes only our labels). */
  async mergePatch(ref: ObjectRef, patch: KubeObject, signal?: AbortSignal): Promise<void> {
    const { path } = await this.objectPath(ref);
    const res = await this.transport.request({
      method: 'PATCH',
      path,
      query: { fieldManager: FIELD_MANAGER },
      body: patch,
      contentType: 'application/merge-patch+json',
      signal,
    });
    if (res.status === 404) return;
    if (res.status >= 400) throw apiError(res, `patch ${ref.kind} ${ref.name}`);
  }

  /** Deletes with background propagation; false when the object was already gone. */
  async delete(ref: ObjectRef, options: { uid?: string; signal?: AbortSignal } = {}): Promise<boolean> {
    let path: string;
    try {
      ({ path } = await this.objectPath(ref));
    } catch (error) {
      // The kind itself is gone (its CRD was deleted first): so is the object.
      if (error instanceof AgentError && error.code === 'KubeUnknownKind') return false;
      throw error;
    }
    const body = {
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      propagationPolicy: 'Background',
      // A uid precondition: never delete a same-named object someone created after ours was gone.
      ...(options.uid ? { preconditions: { uid: options.uid } } : {}),
    };
    const res = await this.transport.request({ method: 'DELETE', path, body, signal: options.signal });
    if (res.status === 404) return false;
    if (res.status >= 400) throw apiError(res, `delete ${ref.kind} ${ref.name}`);
    return true;
  }

  async list(
    apiVersion: string,
    kind: string,
    options: { namespace?: string; labelSelector?: string; signal?: AbortSignal; limit?: number } = {},
  ): Promise<{ items: KubeObject[]; resourceVersion: string }> {
    const info = await this.discovery.require(apiVersion, kind);
    const items: KubeObject[] = [];
    let resourceVersion = '';
    let cont: string | undefined;
    do {
      const res = await this.call(
        {
          method: 'GET',
          path: this.collectionPath(info, apiVersion, options.namespace),
          query: { labelSelector: options.labelSelector, limit: options.limit ?? 500, continue: cont },
          signal: options.signal,
        },
        `list ${kind}`,
      );
      const body = isPlainObject(res.body) ? res.body : {};
      const meta = isPlainObject(body.metadata) ? body.metadata : {};
      for (const item of Array.isArray(body.items) ? body.items : [])
        if (isPlainObject(item)) items.push({ apiVersion, kind, ...item });
      resourceVersion = typeof meta.resourceVersion === 'string' ? meta.resourceVersion : '';
      cont = typeof meta.continue === 'string' && meta.continue !== '' ? meta.continue : undefined;
      // An explicit limit asks for one page only (a watch needs just the list's resourceVersion).
    } while (cont && options.limit === undefined);
    return { items, resourceVersion };
  }

  /**
   * The objects of a kind in one namespace (all of them for a cluster-scoped kind), by name, from paged lists;
   * `metadataOnly` lists PartialObjectMetadata (no spec, data or status cross the wire). Stops once `maxItems` were
   * seen; `complete` says whether every object was, i.e. whether a name not in `byName` is an object that does not
   * exist.
   */
  async listByName(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    options: { maxItems: number; metadataOnly: boolean; signal?: AbortSignal },
  ): Promise<{ byName: Map<string, KubeObject>; complete: boolean }> {
    const info = await this.discovery.require(apiVersion, kind);
    const byName = new Map<string, KubeObject>();
    let cont: string | undefined;
    do {
      const res = await this.call(
        {
          method: 'GET',
          path: this.collectionPath(info, apiVersion, namespace),
          query: { limit: 500, continue: cont },
          // A server without metadata lists answers with the full list: the same names and metadata.
          ...(options.metadataOnly
            ? { accept: 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json' }
            : {}),
          signal: options.signal,
        },
        `list ${kind}`,
      );
      const body = isPlainObject(res.body) ? res.body : {};
      for (const item of Array.isArray(body.items) ? body.items : []) {
        if (!isPlainObject(item) || !isPlainObject(item.metadata)) continue;
        const meta = item.metadata;
        if (typeof meta.name !== 'string') continue;
        // List items lack apiVersion and kind; a whole object gets them back (as a GET would return it).
        byName.set(meta.name, options.metadataOnly ? { metadata: meta } : { apiVersion, kind, ...item });
      }
      const meta = isPlainObject(body.metadata) ? body.metadata : {};
      cont = typeof meta.continue === 'string' && meta.continue !== '' ? meta.continue : undefined;
    } while (cont && byName.size < options.maxItems);
    return { byName, complete: cont === undefined };
  }

  /**
   * Watches a kind in all namespaces from `resourceVersion` until the server closes the stream or `signal` aborts.
   * Resolves normally when the stream ends; a 410 Gone arrives as an ERROR event.
   */
  async watch(
    apiVersion: string,
    kind: string,
    resourceVersion: string,
    onEvent: (event: WatchEvent) => void,
    signal: AbortSignal,
  ): Promise<void> {
    const info = await this.discovery.require(apiVersion, kind);
    const status = await this.transport.stream(
      {
        method: 'GET',
        path: this.collectionPath(info, apiVersion),
        query: { watch: 1, resourceVersion, allowWatchBookmarks: true, timeoutSeconds: 300 },
        signal,
      },
      (value) => {
        if (!isPlainObject(value) || typeof value.type !== 'string' || !isPlainObject(value.object)) return;
        onEvent({ type: value.type as WatchEvent['type'], object: value.object });
      },
    );
    if (status >= 400) throw new KubeApiError(status, '', `watch ${kind}: HTTP ${status}`, []);
  }

  /** `gitVersion` of the API server, e.g. `v1.36.3`. */
  async serverVersion(signal?: AbortSignal): Promise<string | undefined> {
    const res = await this.call({ method: 'GET', path: '/version', signal }, 'version');
    return isPlainObject(res.body) && typeof res.body.gitVersion === 'string'
      ? res.body.gitVersion
      : undefined;
  }
}
