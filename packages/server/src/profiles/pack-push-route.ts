import { PackKind, StrataError } from '@strata/api';
import { checkPackPush, packFromResource, packToResource, parsePack } from '@strata/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authorize } from '../resources/access.js';
import type { RequestContext, ResourceService } from '../resources/resource-service.js';

export interface PackPushRouteOptions {
  service: ResourceService;
  context: (req: FastifyRequest) => RequestContext;
}

const PushBody = {
  type: 'object',
  required: ['files'],
  additionalProperties: false,
  properties: {
    files: {
      type: 'object',
      description:
        'the pack directory: relative path → UTF-8 text, or {"base64": "..."} for binary files (chart .tgz)',
      additionalProperties: {
        anyOf: [
          { type: 'string' },
          {
            type: 'object',
            required: ['base64'],
            additionalProperties: false,
            properties: { base64: { type: 'string' } },
          },
        ],
      },
    },
  },
} as const;

type PushFiles = Record<string, string | { base64: string }>;

/**
 * `POST /v1/packs/push`: uploads a pack directory. The server parses and validates it like the built-in catalog;
 * pushing the same content again is a no-op (200), other content under an existing name+version is refused.
 */
export function registerPackPushRoute(app: FastifyInstance, o: PackPushRouteOptions): void {
  app.post<{ Body: { files: PushFiles } }>(
    '/v1/packs/push',
    {
      schema: {
        tags: ['Pack'],
        summary: 'Upload a pack directory (validated, immutable per name and version)',
        body: PushBody,
      },
      bodyLimit: 16 * 1024 * 1024,
    },
    async (req, reply) => {
      const ctx = o.context(req);
      // Authorize before parsing: up to 16 MiB of pack content is not parsed for callers who may not push.
      authorize(ctx.principal, { kind: PackKind }, 'create');
      const files: Record<string, string | Uint8Array> = {};
      for (const [path, f] of Object.entries(req.body.files))
        files[path] = typeof f === 'string' ? f : Buffer.from(f.base64, 'base64');
      const { pack, issues } = parsePack(files);
      if (!pack || issues.length > 0) {
        throw new StrataError(
          'STRATA_PACK_INVALID',
          `the pack is not valid: ${issues.length} problems (listed in issues)`,
          issues,
        );
      }
      const target = { kind: PackKind };
      const existing = await o.service.get(ctx, target, pack.name, pack.version).catch((err: unknown) => {
        if (err instanceof StrataError && err.code === 'STRATA_NOT_FOUND') return undefined;
        throw err;
      });
      const body = packToResource(pack);
      if (existing) {
        try {
          checkPackPush(
            packFromResource(existing as unknown as Parameters<typeof packFromResource>[0]),
            pack,
          );
        } catch (err) {
          if (err instanceof StrataError) throw new StrataError('STRATA_IMMUTABLE', err.message, err.issues);
          throw err;
        }
        return reply.code(200).send({ action: 'unchanged', object: existing });
      }
      const created = await o.service.create(ctx, target, body);
      return reply.code(201).send({ action: 'created', object: created });
    },
  );
}
