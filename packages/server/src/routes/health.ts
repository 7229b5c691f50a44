import { StrataError, grants } from '@strata/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal.js';
import type { Registry } from 'prom-client';

export interface HealthRoutesOptions {
  registry: Registry;
  /** Resolves when the server can serve requests (store reachable). */
  ready: () => Promise<boolean>;
  principal: (req: FastifyRequest) => Principal;
}

/**
 * /healthz and /readyz are open (probes carry no credentials); /metrics shows every tenant's traffic, so it needs
 * `metrics.get` from a tenant-scope binding, which `*.*` does not give (system admins and the metrics-reader role).
 */
export function registerHealthRoutes(app: FastifyInstance, o: HealthRoutesOptions): void {
  app.get('/healthz', { schema: { hide: true }, config: { public: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true }, config: { public: true } }, async (_req, reply) => {
    const ready = await o.ready().catch(() => false);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready' });
  });
  app.get('/metrics', { schema: { hide: true } }, async (req, reply) => {
    if (!grants(o.principal(req).tenantPermissions, 'metrics', 'get'))
      throw new StrataError(
        'STRATA_FORBIDDEN',
        'reading metrics needs permission metrics.get (role metrics-reader)',
      );
    reply.header('content-type', o.registry.contentType);
    return o.registry.metrics();
  });
}
