/**
 * Raw HTTP to the Kubernetes API server, authenticated with KubeCredentials. We speak JSON directly instead of using
 * the generated typed clients because drift detection needs objects exactly as the API server returns them (the
 * typed models drop fields they do not know and turn timestamps into Dates).
 */
import http from 'node:http';
import https from 'node:https';
import { AgentError, errorMessage } from '../errors.js';
import type { KubeCredentials } from './credentials.js';

export interface KubeRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  /** Default `application/json`. */
  accept?: string;
  signal?: AbortSignal;
  /** Default 30 s. Watches pass their own (the server ends them first). */
  timeoutMs?: number;
}

export interface KubeResponse {
  status: number;
  body: unknown;
}

export class KubeTransport {
  private readonly server: URL;
  private pooled: https.Agent | http.Agent | undefined;

  private readonly credentials: KubeCredentials;

  constructor(credentials: KubeCredentials) {
    this.credentials = credentials;
    this.server = credentials.server;
  }

  get serverUrl(): string {
    return this.server.toString();
  }

  private async options(req: KubeRequest, pooled: boolean, payload?: string): Promise<https.RequestOptions> {
    const isHttps = this.server.protocol === 'https:';
    const tls = this.credentials.tls;
    let agent: http.Agent;
    if (pooled) {
      this.pooled ??= isHttps
        ? new https.Agent({ ...tls, keepAlive: true, maxSockets: 32 })
        : new http.Agent({ keepAlive: true, maxSockets: 32 });
      agent = this.pooled;
    } else {
      agent = isHttps ? new https.Agent({ ...tls, keepAlive: false }) : new http.Agent({ keepAlive: false });
    }
    const url = this.url(req.path, req.query);
    const headers: Record<string, string> = { accept: req.accept ?? 'application/json' };
    // Read per request, so a rotated token file is picked up without a restart.
    const authorization = await this.credentials.authorization();
    if (authorization) headers.authorization = authorization;
    if (req.body !== undefined) headers['content-type'] = req.contentType ?? 'application/json';
    // Always framed: Node does not chunk DELETE bodies, and an unframed body corrupts a kept-alive connection.
    if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload));
    return {
      ...(isHttps ? tls : {}),
      agent,
      method: req.method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port,
      path: `${url.pathname}${url.search}`,
      headers,
    };
  }

  private url(path: string, query: KubeRequest['query']): URL {
    const url = new URL(this.server.pathname.replace(/\/$/, '') + path, this.server);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    return url;
  }

  private client(): typeof https | typeof http {
    return this.server.protocol === 'https:' ? https : http;
  }

  /** One request; the whole response body is read and parsed as JSON (empty → undefined). */
  async request(req: KubeRequest): Promise<KubeResponse> {
    const payload = req.body === undefined ? undefined : JSON.stringify(req.body);
    const opts = await this.options(req, true, payload);
    return new Promise<KubeResponse>((resolve, reject) => {
      const r = this.client().request(
        { ...opts, signal: req.signal, timeout: req.timeoutMs ?? 30_000 },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (e) => reject(unreachable(this.serverUrl, e)));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: unknown = undefined;
            if (text !== '') {
              try {
                body = JSON.parse(text) as unknown;
              } catch {
                body = text;
              }
            }
            resolve({ status: res.statusCode ?? 0, body });
          });
        },
      );
      r.on('timeout', () => r.destroy(new Error(`request timed out after ${req.timeoutMs ?? 30_000} ms`)));
      r.on('error', (e) => reject(unreachable(this.serverUrl, e)));
      if (payload !== undefined) r.write(payload);
      r.end();
    });
  }

  /**
   * A streaming GET (watch): calls `onLine` for every newline-delimited JSON document until the server ends the
   * stream, the signal aborts it, or an error occurs. Resolves with the HTTP status.
   */
  async stream(req: KubeRequest, onLine: (value: unknown) => void): Promise<number> {
    const opts = await this.options(req, false);
    return new Promise<number>((resolve, reject) => {
      const r = this.client().request({ ...opts, signal: req.signal }, (res) => {
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let nl: number;
          while ((nl = buffer.indexOf('\n')) >= 0) {
            const line = buffer.slice(0, nl).trim();
            buffer = buffer.slice(nl + 1);
            if (line === '') continue;
            try {
              onLine(JSON.parse(line) as unknown);
            } catch {
              // A partial or garbled line: the watch restarts from a fresh list anyway.
            }
          }
        });
        res.on('error', (e) => reject(unreachable(this.serverUrl, e)));
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      r.on('error', (e) => reject(unreachable(this.serverUrl, e)));
      r.end();
    });
  }

  close(): void {
    this.pooled?.destroy();
    this.pooled = undefined;
  }
}

function unreachable(server: string, cause: unknown): AgentError {
  if (cause instanceof Error && cause.name === 'AbortError')
    return new AgentError('Aborted', 'request aborted', { retriable: true, cause });
  return new AgentError('KubeUnreachable', `Kubernetes API ${server} unreachable: ${errorMessage(cause)}`, {
    retriable: true,
    cause,
  });
}
