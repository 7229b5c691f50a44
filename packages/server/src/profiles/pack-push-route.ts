import { PackKind, StrataError, type Resource } from '@strata/api';
import { checkPackPush, packFromResource, packToResource, parsePack, type Pack } from '@strata/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authorize } from '../resources/access.js';
import type { RequestContext, ResourceService } from '../resources/resource-service.js';

export interface PackPushRouteOptions {
  service: ResourceService;
  context: (req: FastifyRequest) => RequestContext;
}

/** A pack directory in a request body: relative path → text, or {base64} for binary files. */
export const PackFilesSchema = {
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
} as const;

const PushBody = {
  type: 'object',
  required: ['files'],
  additionalProperties: false,
  properties: { files: PackFilesSchema },
} as const;

export type PushFiles = Record<string, string | { base64: string }>;

/** The files of a request body as parsePack takes them (binary files as bytes). */
export function decodePackFiles(files: PushFiles): Record<string, string | Uint8Array> {
  const out: Record<string, string | Uint8Array> = {};
  for (const [path, f] of Object.entries(files))
    out[path] = typeof f === 'string' ? f : Buffer.from(f.base64, 'base64');
  return out;
}

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
      const { pack, issues } = parsePack(decodePackFiles(req.body.files));
      if (!pack || issues.length > 0) {
        throw new StrataError(
          'STRATA_PACK_INVALID',
          `the pack is not valid: ${issues.length} problems (listed in issues)`,
          issues,
        );
      }
      const { action, object } = await storePack(o, ctx, pack);
      return reply.code(action === 'created' ? 201 : 200).send({ action, object });
    },
  );
}

/**
 * Stores a validated pack: `created`, or `unchanged` when the same name+version holds the same content; other
 * content under an existing name+version is refused (409 STRATA_IMMUTABLE).
 */
export async function storePack(
  o: PackPushRouteOptions,
  ctx: RequestContext,
  pack: Pack,
): Promise<{ action: 'created' | 'unchanged'; object: Resource }> {
  const target = { kind: PackKind };
  const existing = await o.service.get(ctx, target, pack.name, pack.version).catch((err: unknown) => {
    if (err instanceof StrataError && err.code === 'STRATA_NOT_FOUND') return undefined;
    throw err;
  });
  if (existing) {
    try {
      checkPackPush(packFromResource(existing as unknown as Parameters<typeof packFromResource>[0]), pack);
    } catch (err) {
      if (err instanceof StrataError) throw new StrataError('STRATA_IMMUTABLE', err.message, err.issues);
      throw err;
    }
    return { action: 'unchanged', object: existing };
  }
  return { action: 'created', object: await o.service.create(ctx, target, packToResource(pack)) };
}
