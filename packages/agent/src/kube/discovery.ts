/**
 * Maps (apiVersion, kind) to the REST resource (plural name, namespaced or not), from the API server's discovery
 * documents. Cached per group version; a miss re-reads the document (a CRD may have just been established), at
 * most once a second per group version.
 */
import { isPlainObject } from '@strata/core';
import { AgentError } from '../errors.js';
import type { KubeResponse } from './transport.js';

export interface ResourceInfo {
  plural: string;
  namespaced: boolean;
}

interface Entry {
  kinds: Map<string, ResourceInfo>;
  readAt: number;
}

const MIN_REFRESH_MS = 1000;

export class Discovery {
  private readonly cache = new Map<string, Entry>();

  private readonly get: (path: string) => Promise<KubeResponse>;
  private readonly now: () => number;

  constructor(get: (path: string) => Promise<KubeResponse>, now: () => number = Date.now) {
    this.get = get;
    this.now = now;
  }

  private async read(apiVersion: string): Promise<Entry> {
    const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const res = await this.get(path);
    const kinds = new Map<string, ResourceInfo>();
    if (res.status === 404) {
      // Unknown group version: cached as empty, so a burst of lookups costs one request.
    } else if (res.status >= 400 || !isPlainObject(res.body)) {
      throw new AgentError('KubeApiError', `discovery of ${apiVersion} failed: HTTP ${res.status}`, {
        retriable: true,
      });
    } else {
      for (const r of Array.isArray(res.body.resources) ? res.body.resources : []) {
        if (!isPlainObject(r) || typeof r.name !== 'string' || r.name.includes('/')) continue;
        if (typeof r.kind !== 'string') continue;
        kinds.set(r.kind, { plural: r.name, namespaced: r.namespaced === true });
      }
    }
    const entry = { kinds, readAt: this.now() };
    this.cache.set(apiVersion, entry);
    return entry;
  }

  /** The resource of a kind, or undefined when the API server does not serve it. */
  async lookup(apiVersion: string, kind: string): Promise<ResourceInfo | undefined> {
    let entry = this.cache.get(apiVersion);
    if (!entry) entry = await this.read(apiVersion);
    let info = entry.kinds.get(kind);
    if (!info && this.now() - entry.readAt >= MIN_REFRESH_MS)
      info = (await this.read(apiVersion)).kinds.get(kind);
    return info;
  }

  async require(apiVersion: string, kind: string): Promise<ResourceInfo> {
    const info = await this.lookup(apiVersion, kind);
    if (!info)
      throw new AgentError('KubeUnknownKind', `the API server does not serve ${kind} in ${apiVersion}`, {
        retriable: true,
      });
    return info;
  }

  /** Forgets a group version (after its CRD became Established), so the next lookup reads it fresh. */
  forget(apiVersion: string): void {
    this.cache.delete(apiVersion);
  }
}
