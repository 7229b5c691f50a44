/**
 * The few Kubernetes calls a gateway needs, on raw JSON over HTTPS: server-side apply, get, list, delete, with
 * discovery for resource names. Not @kubernetes/client-node's object API: its typed serializer drops keys it does
 * not model (e.g. `x-kubernetes-int-or-string` inside a CRD schema), and what we validate must be what we send.
 */
import { request } from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from './install.js';

export const GATEWAY_FIELD_MANAGER = 'strata-gateway';

export interface ObjectKey {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

export type Unstructured = KubeObject & { status?: Record<string, unknown> };

/** An error answer of the API server: its HTTP status and message. */
export class KubeRequestError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'KubeRequestError';
    this.status = status;
  }
}

/** The HTTP status of a failed call (0 when the server was not reached). */
export function httpStatus(err: unknown): number {
  return err instanceof KubeRequestError ? err.status : 0;
}

/** The API server's message of a failed call, else the error's own. */
export function apiMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

interface Resource {
  name: string;
  namespaced: boolean;
}

export class GatewayClient {
  private readonly server: URL;
  private readonly tls: { ca?: Buffer | string; cert?: Buffer | string; key?: Buffer | string };
  private readonly resources = new Map<string, Map<string, Resource>>();

  constructor(kubeconfig: string) {
    const config = new KubeConfig();
    config.loadFromString(kubeconfig);
    const cluster = config.getCurrentCluster();
    const user = config.getCurrentUser();
    if (!cluster || !user) throw new Error('the gateway kubeconfig names no current cluster and user');
    this.server = new URL(cluster.server);
    this.tls = {
      ...(cluster.caData ? { ca: Buffer.from(cluster.caData, 'base64') } : {}),
      ...(user.certData ? { cert: Buffer.from(user.certData, 'base64') } : {}),
      ...(user.keyData ? { key: Buffer.from(user.keyData, 'base64') } : {}),
    };
  }

  private call(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<unknown> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: this.server.hostname,
          port: this.server.port,
          method,
          path,
          ...this.tls,
          timeout: 30_000,
          headers: {
            accept: 'application/json',
            ...(payload === undefined
              ? {}
              : { 'content-type': contentType, 'content-length': Buffer.byteLength(payload) }),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              parsed = undefined;
            }
            const status = res.statusCode ?? 0;
            if (status >= 400) {
              const message =
                typeof parsed === 'object' &&
                parsed !== null &&
                'message' in parsed &&
                typeof parsed.message === 'string'
                  ? parsed.message
                  : `${method} ${path}: HTTP ${status}`;
              reject(new KubeRequestError(status, message));
            } else resolve(parsed);
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timed out`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  private async resource(apiVersion: string, kind: string): Promise<Resource> {
    let byKind = this.resources.get(apiVersion);
    if (!byKind?.has(kind)) {
      const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      const list = (await this.call('GET', base)) as {
        resources?: { name: string; kind: string; namespaced: boolean }[];
      };
      byKind = new Map(
        (list.resources ?? [])
          .filter((r) => !r.name.includes('/'))
          .map((r) => [r.kind, { name: r.name, namespaced: r.namespaced }]),
      );
      this.resources.set(apiVersion, byKind);
    }
    const found = byKind.get(kind);
    if (!found) throw new KubeRequestError(404, `the gateway serves no ${kind} in ${apiVersion}`);
    return found;
  }

  private async path(
    key: { apiVersion: string; kind: string; namespace?: string | undefined },
    name?: string,
  ): Promise<string> {
    const r = await this.resource(key.apiVersion, key.kind);
    const base = key.apiVersion.includes('/') ? `/apis/${key.apiVersion}` : `/api/${key.apiVersion}`;
    const ns = r.namespaced ? `/namespaces/${encodeURIComponent(key.namespace ?? 'default')}` : '';
    return `${base}${ns}/${r.name}${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;
  }

  /** Server-side apply (forced: Strata owns the fields it sets); `dryRun` runs admission and validation, stores nothing. */
  async apply(object: KubeObject, options: { dryRun?: boolean } = {}): Promise<Unstructured> {
    const namespace =
      typeof object.metadata['namespace'] === 'string' ? object.metadata['namespace'] : undefined;
    const path = await this.path(
      { apiVersion: object.apiVersion, kind: object.kind, namespace },
      object.metadata.name,
    );
    const query = `?fieldManager=${GATEWAY_FIELD_MANAGER}&force=true&fieldValidation=Strict${options.dryRun ? '&dryRun=All' : ''}`;
    return (await this.call('PATCH', path + query, object, 'application/apply-patch+yaml')) as Unstructured;
  }

  /** A JSON merge patch of an existing object (undefined when it does not exist). */
  async mergePatch(key: ObjectKey, patch: Record<string, unknown>): Promise<Unstructured | undefined> {
    try {
      const path = `${await this.path(key, key.name)}?fieldManager=${GATEWAY_FIELD_MANAGER}&fieldValidation=Strict`;
      return (await this.call('PATCH', path, patch, 'application/merge-patch+json')) as Unstructured;
    } catch (err) {
      if (httpStatus(err) === 404) return undefined;
      throw err;
    }
  }

  async get(key: ObjectKey): Promise<Unstructured | undefined> {
    try {
      return (await this.call('GET', await this.path(key, key.name))) as Unstructured;
    } catch (err) {
      if (httpStatus(err) === 404) return undefined;
      throw err;
    }
  }

  async list(
    apiVersion: string,
    kind: string,
    namespace?: string,
    labelSelector?: string,
  ): Promise<Unstructured[]> {
    const path = await this.path({ apiVersion, kind, namespace });
    const query = labelSelector ? `?labelSelector=${encodeURIComponent(labelSelector)}` : '';
    const list = (await this.call('GET', path + query)) as { items?: Unstructured[] };
    return list.items ?? [];
  }

  /** Deletes in the background (finalizers run); false when it was already gone. */
  async delete(key: ObjectKey): Promise<boolean> {
    try {
      await this.call('DELETE', await this.path(key, key.name), { propagationPolicy: 'Background' });
      return true;
    } catch (err) {
      if (httpStatus(err) === 404) return false;
      throw err;
    }
  }
}
