import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

export interface HealthRoutesOptions {
  registry: Registry;
  /** Resolves when the server can serve requests (store reachable). */
  ready: () => Promise<boolean>;
}

/** /healthz and /readyz are open (probes carry no credentials); /metrics needs an API key like everything else. */
export function registerHealthRoutes(app: FastifyInstance, o: HealthRoutesOptions): void {
  app.get('/healthz', { schema: { hide: true }, config: { public: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true }, config: { public: true } }, async (_req, reply) => {
    const ready = await o.ready().catch(() => false);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready' });
  });
  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
    reply.header('content-type', o.registry.contentType);
    return o.registry.metrics();
  });
}
