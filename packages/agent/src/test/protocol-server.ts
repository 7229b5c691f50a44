/**
 * A small in-test implementation of the agent endpoints (our own protocol, not Kubernetes): a revision the test
 * bumps, long polls held until it moves (or a request is asked), and every status report and answer recorded. It can stop and start again on the same port to play an unreachable management server.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  AgentAnswer,
  AgentObjectRef,
  AgentRequest,
  AgentStatusReport,
  BundledChartMessage,
} from '@strata/api';

export interface ProtocolServerOptions {
  token: string;
  port?: number;
}

export class ProtocolServer {
  readonly reports: AgentStatusReport[] = [];
  readonly polls: { after: number; waitSeconds: number }[] = [];
  readonly rejected: { path: string; status: number }[] = [];
  readonly charts = new Map<string, BundledChartMessage>();
  token: string;
  /** The message served for the current revision (its `revision` is overwritten). */
  message: Record<string, unknown> = { stack: { layers: [] } };
  revision = 0;
  readonly answers = new Map<string, AgentAnswer>();
  private requestWaiting: AgentRequest | undefined;
  private server: Server | undefined;
  private waiters: (() => void)[] = [];
  private port: number;

  constructor(options: ProtocolServerOptions) {
    this.token = options.token;
    this.port = options.port ?? 0;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Publishes a new desired state: held long polls answer at once. */
  publish(message: Record<string, unknown>): number {
    this.revision++;
    this.message = message;
    for (const w of this.waiters.splice(0)) w();
    return this.revision;
  }

  /** Asks the agent for an adoption preview of `layers` and waits for its answer. */
  async requestPreview(layers: Record<string, unknown>[], timeoutMs = 60_000): Promise<AgentAnswer> {
    const id = randomUUID();
    return this.ask({ id, type: 'adoption-preview', stack: { hash: `preview-${id}`, layers } }, timeoutMs);
  }

  /** Asks the agent to read `objects` and waits for its answer. */
  async requestRead(objects: AgentObjectRef[], timeoutMs = 60_000): Promise<AgentAnswer> {
    return this.ask({ id: randomUUID(), type: 'read-objects', objects }, timeoutMs);
  }

  /** Delivers `request` (the agent's long poll answers at once) and waits for the answer. */
  async ask(request: AgentRequest, timeoutMs: number): Promise<AgentAnswer> {
    this.requestWaiting = request;
    for (const w of this.waiters.splice(0)) w();
    const deadline = Date.now() + timeoutMs;
    while (!this.answers.has(request.id)) {
      if (Date.now() > deadline)
        throw new Error(`no answer to ${request.type} ${request.id} within ${timeoutMs} ms`);
      await sleep(50);
    }
    return this.answers.get(request.id)!;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const w of this.waiters.splice(0)) w();
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Waits until `predicate` holds for the recorded reports (polling every 50 ms). */
  /** Where the next report will land: pass it as `since` to only consider what arrives afterwards. */
  mark(): number {
    return this.reports.length;
  }

  async waitForReport(
    predicate: (r: AgentStatusReport) => boolean,
    timeoutMs = 10_000,
    since = 0,
  ): Promise<AgentStatusReport> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.reports.slice(since).reverse().find(predicate);
      if (hit) return hit;
      if (Date.now() > deadline) {
        const last = this.reports[this.reports.length - 1];
        const layers = last?.layers.map(
          (l) => `${l.profile}.${l.name}=${l.state}${l.message ? ` (${l.message})` : ''}`,
        );
        throw new Error(
          `no matching status report within ${timeoutMs} ms (${this.reports.length} received; last: revision ${last?.revision}, ${layers?.join(', ')})`,
        );
      }
      await sleep(50);
    }
  }

  private reject(req: IncomingMessage, res: ServerResponse, status: number, code: string): void {
    this.rejected.push({ path: req.url ?? '', status });
    res
      .writeHead(status, { 'content-type': 'application/json' })
      .end(JSON.stringify({ error: { code, message: code } }));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.headers.authorization !== `Bearer ${this.token}`)
      return this.reject(req, res, 401, 'STRATA_UNAUTHENTICATED');
    if (req.headers['strata-protocol'] !== '1')
      return this.reject(req, res, 409, 'STRATA_PROTOCOL_UNSUPPORTED');
    if (req.method === 'GET' && url.pathname === '/v1/agent/desired-state') {
      const after = Number(url.searchParams.get('after') ?? '0');
      const waitSeconds = Math.min(60, Number(url.searchParams.get('waitSeconds') ?? '30'));
      this.polls.push({ after, waitSeconds });
      if (this.revision <= after && !this.requestWaiting) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, waitSeconds * 1000);
          this.waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      if (res.destroyed) return;
      const request = this.requestWaiting;
      this.requestWaiting = undefined;
      if (this.revision <= after && !request) return void res.writeHead(204).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          protocol: 1,
          ...this.message,
          revision: this.revision,
          ...(request ? { request } : {}),
        }),
      );
      return;
    }
    if (req.method === 'POST' && url.pathname === '/v1/agent/answer') {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const answer = JSON.parse(Buffer.concat(chunks).toString('utf8')) as AgentAnswer;
      this.answers.set(answer.id, answer);
      res.writeHead(204).end();
      return;
    }
    if (req.method === 'POST' && url.pathname === '/v1/agent/status') {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      this.reports.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as AgentStatusReport);
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ revision: this.revision }));
      return;
    }
    const chart = /^\/v1\/agent\/charts\/(.+)$/.exec(url.pathname);
    if (req.method === 'GET' && chart) {
      const c = this.charts.get(decodeURIComponent(chart[1]!));
      if (!c) return this.reject(req, res, 404, 'STRATA_NOT_FOUND');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(c));
      return;
    }
    this.reject(req, res, 404, 'STRATA_NOT_FOUND');
  }
}
