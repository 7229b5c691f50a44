/** `/healthz` and Prometheus `/metrics` on the --listen address (loopback by default). Nothing else is served. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AgentError } from '../errors.js';

export interface OpsServerOptions {
  listen: string;
  metrics: () => string;
  /** Healthy when the agent's loops are running (a dead-loop agent should be restarted by its supervisor). */
  healthy: () => boolean;
}

export function parseListen(listen: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(listen);
  if (!m) throw new AgentError('InvalidOptions', `--listen must be HOST:PORT, got ${JSON.stringify(listen)}`);
  const port = Number(m[3]);
  if (port > 65535) throw new AgentError('InvalidOptions', `--listen port ${port} is out of range`);
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port };
}

export class OpsServer {
  private server: Server | undefined;

  private readonly options: OpsServerOptions;

  constructor(options: OpsServerOptions) {
    this.options = options;
  }

  /** Starts listening; resolves with the bound `host:port` (the real port when 0 was asked for). */
  async start(): Promise<string> {
    const { host, port } = parseListen(this.options.listen);
    const server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method !== 'GET') {
        res.writeHead(405).end();
      } else if (path === '/healthz') {
        const ok = this.options.healthy();
        res
          .writeHead(ok ? 200 : 503, { 'content-type': 'application/json' })
          .end(JSON.stringify({ status: ok ? 'ok' : 'unhealthy' }));
      } else if (path === '/metrics') {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(this.options.metrics());
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    const addr = server.address() as AddressInfo;
    return `${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
