import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StrataError, type ErrorCode, type Issue } from '@strata/api';

/**
 * A tiny HTTP server on 127.0.0.1 that answers with canned responses and records every request, for
 * testing HTTP clients (the client package and the CLI). It is not a fake Strata server: it has no
 * behaviour beyond what a test scripts.
 */
export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface CannedReply {
  status?: number;
  /** Sent as JSON unless it is a string. */
  body?: unknown;
  headers?: Record<string, string>;
}

/** Returns a reply, or writes to `res` itself (streams) and returns nothing. */
export type CannedHandler = (
  req: RecordedRequest,
  res: ServerResponse,
) => CannedReply | undefined | Promise<CannedReply | undefined>;

/** Routes keyed by `"METHOD /path"`; a reply list is served in order, the last one repeating. */
export type CannedRoutes = Record<string, CannedReply | CannedReply[] | CannedHandler>;

export interface CannedServer {
  url: string;
  requests: RecordedRequest[];
  /** Requests whose `"METHOD /path"` equals the key. */
  requestsTo(key: string): RecordedRequest[];
  close(): Promise<void>;
}

export async function startCannedServer(routes: CannedRoutes | CannedHandler): Promise<CannedServer> {
  const requests: RecordedRequest[] = [];
  const served = new Map<string, number>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      void respond(recorded, res).catch((err: unknown) => {
        if (!res.headersSent) send(res, { status: 500, body: String(err) });
        else res.destroy();
      });
    });
  });

  async function respond(req: RecordedRequest, res: ServerResponse): Promise<void> {
    const key = `${req.method} ${req.path}`;
    const route = typeof routes === 'function' ? routes : routes[key];
    let reply: CannedReply | undefined;
    if (route === undefined) reply = problemReply('STRATA_NOT_FOUND', `no canned response for ${key}`);
    else if (typeof route === 'function') reply = await route(req, res);
    else if (Array.isArray(route)) {
      const n = served.get(key) ?? 0;
      served.set(key, n + 1);
      reply = route[Math.min(n, route.length - 1)];
    } else reply = route;
    if (reply) send(res, reply);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    requestsTo: (key) => requests.filter((r) => `${r.method} ${r.path}` === key),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(res: ServerResponse, reply: CannedReply): void {
  const isText = typeof reply.body === 'string';
  const body = reply.body === undefined ? '' : isText ? (reply.body as string) : JSON.stringify(reply.body);
  res.writeHead(reply.status ?? 200, {
    'content-type': isText ? 'text/plain' : 'application/json',
    ...reply.headers,
  });
  res.end(body);
}

/** An RFC 9457 problem reply, as the Strata server renders errors. */
export function problemReply(code: ErrorCode, detail: string, issues: Issue[] = []): CannedReply {
  const problem = new StrataError(code, detail, issues).toProblem();
  return { status: problem.status, body: problem, headers: { 'content-type': 'application/problem+json' } };
}

/** Starts a server-sent events response; write events with `sseEvent`. */
export function startEventStream(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.flushHeaders();
}

export function sseEvent(data: unknown, event?: string): string {
  return `${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`;
}
