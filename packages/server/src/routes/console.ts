import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

export interface ConsoleOptions {
  /** The built console (packages/web/dist): index.html plus hashed files under assets/. */
  distDir: string;
}

/** Paths that belong to the API or the operations endpoints: never answered with the console. */
const API_PATHS = /^\/(v1|healthz|readyz|metrics)(\/|$|\?)/;

// The console loads nothing from elsewhere; styles are injected by Mantine and CodeMirror (inline styles), and the
// JSON Schema validator of the YAML editor compiles schemas to functions ('unsafe-eval').
const CSP = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

function sendIndex(reply: FastifyReply) {
  return reply
    .header('cache-control', 'no-cache')
    .header('content-security-policy', CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'same-origin')
    .sendFile('index.html', { cacheControl: false });
}

/**
 * Serves the web console at `/`: hashed assets with long-lived caching, any other path (not under /v1) gets
 * index.html so that the console's own routes (/clusters/shop) work on reload. The routes need no API key — the
 * console signs in through POST /v1/login. Returns false (and registers nothing) when the console is not built.
 */
export async function registerConsole(app: FastifyInstance, options: ConsoleOptions): Promise<boolean> {
  const root = resolve(options.distDir);
  if (!existsSync(join(root, 'index.html'))) return false;
  await app.register(async (scope) => {
    await scope.register(fastifyStatic, { root, serve: false, decorateReply: true });
    const open = { schema: { hide: true }, config: { public: true } } as const;
    scope.get<{ Params: { '*': string } }>('/assets/*', open, (req, reply) =>
      reply
        .header('x-content-type-options', 'nosniff')
        .sendFile(`assets/${req.params['*']}`, { maxAge: '365d', immutable: true }),
    );
    scope.get('/', open, (_req, reply) => sendIndex(reply));
    scope.get<{ Params: { '*': string } }>('/*', open, (req, reply) => {
      if (API_PATHS.test(req.url)) return reply.callNotFound();
      const file = req.params['*'];
      // Top-level files of the build (favicon, robots.txt) are served as they are; every other path is a console route.
      if (/^[\w.-]+\.[a-z0-9]+$/i.test(file) && file !== 'index.html' && isFile(join(root, file)))
        return reply.sendFile(file, { maxAge: '1h' });
      return sendIndex(reply);
    });
  });
  return true;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
