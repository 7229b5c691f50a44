/** A minimal authenticated GET against a cluster's API server from an admin kubeconfig (client certificates). */
import { request, type RequestOptions } from 'node:https';
import { loadYaml } from '@strata/core';

interface Kubeconfig {
  'current-context'?: string;
  contexts?: { name: string; context: { cluster: string; user: string } }[];
  clusters?: { name: string; cluster: { server: string; 'certificate-authority-data'?: string } }[];
  users?: {
    name: string;
    user: { 'client-certificate-data'?: string; 'client-key-data'?: string; token?: string };
  }[];
}

const fromB64 = (s: string | undefined): string | undefined =>
  s === undefined ? undefined : Buffer.from(s, 'base64').toString('utf8');

interface Target {
  url: URL;
  ca?: string;
  cert?: string;
  key?: string;
  token?: string;
}

function target(kubeconfig: string, path: string): Target {
  const kc = loadYaml(kubeconfig) as unknown as Kubeconfig;
  const ctx = kc.contexts?.find((c) => c.name === kc['current-context']) ?? kc.contexts?.[0];
  const cluster = kc.clusters?.find((c) => c.name === ctx?.context.cluster)?.cluster;
  const user = kc.users?.find((u) => u.name === ctx?.context.user)?.user;
  if (!cluster) throw new Error('kubeconfig has no cluster for its current context');
  const ca = fromB64(cluster['certificate-authority-data']);
  const cert = fromB64(user?.['client-certificate-data']);
  const key = fromB64(user?.['client-key-data']);
  return {
    url: new URL(path, cluster.server),
    ...(ca ? { ca } : {}),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
    ...(user?.token ? { token: user.token } : {}),
  };
}

function requestOptions(t: Target, timeoutMs: number): RequestOptions {
  return {
    method: 'GET',
    timeout: timeoutMs,
    ...(t.ca ? { ca: t.ca } : {}),
    ...(t.cert ? { cert: t.cert } : {}),
    ...(t.key ? { key: t.key } : {}),
    headers: { accept: 'application/json', ...(t.token ? { authorization: `Bearer ${t.token}` } : {}) },
  };
}

/** GETs `path` (e.g. `/version`) and returns the parsed JSON body; rejects on a non-2xx status. */
export function kubeGet(kubeconfig: string, path: string, timeoutMs = 10_000): Promise<unknown> {
  let t: Target;
  try {
    t = target(kubeconfig, path);
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
  const url = t.url;
  return new Promise((resolve, reject) => {
    const req = request(url, requestOptions(t, timeoutMs), (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const status = res.statusCode ?? 0;
        if (status < 200 || status >= 300)
          reject(new Error(`GET ${path}: HTTP ${status}: ${body.slice(0, 200)}`));
        else resolve(JSON.parse(body) as unknown);
      });
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path}: timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: unknown;
}

/**
 * Streams watch events of `path` (a list URL with `watch=1&resourceVersion=...`). Returns a function that stops the
 * watch. Events arrive in order, one JSON object per line.
 */
export function kubeWatch(
  kubeconfig: string,
  path: string,
  onEvent: (event: WatchEvent) => void,
): () => void {
  const t = target(kubeconfig, path);
  let buffer = '';
  const req = request(t.url, { ...requestOptions(t, 0) }, (res) => {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buffer += chunk;
      let nl = buffer.indexOf('\n');
      while (nl >= 0) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        if (line) onEvent(JSON.parse(line) as WatchEvent);
        nl = buffer.indexOf('\n');
      }
    });
  });
  req.on('error', () => undefined); // a stopped watch ends with an abort error
  req.end();
  return () => req.destroy();
}
