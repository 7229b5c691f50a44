import { API_PREFIX, KINDS, StrataError, inputSchema, type KindDefinition } from '@strata/api';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RequestContext, ResourceService } from '../resources/resource-service.js';
import { streamWatch } from './watch.js';
import type { ChangeHub } from '../watch/change-hub.js';
import type { Principal } from '../auth/principal.js';
import { authorize } from '../resources/access.js';

export interface ResourceRoutesOptions {
  service: ResourceService;
  hub: ChangeHub;
  context: (req: FastifyRequest) => RequestContext;
  /** Authenticates the request's credentials again (watch streams re-check access while open). */
  reauthenticate: (req: FastifyRequest) => Promise<Principal>;
}

type Params = { project?: string; name?: string; version?: string };
type Query = Record<string, string | undefined>;

/** Registers the same routes for every kind: collection, item, status, and versions for versioned kinds. */
export function registerResourceRoutes(app: FastifyInstance, options: ResourceRoutesOptions): void {
  for (const kind of KINDS) {
    app.addSchema(inputSchema(kind.kind, kind.spec));
    for (const base of basesFor(kind)) registerKind(app, options, kind, base);
  }
}

function basesFor(kind: KindDefinition): string[] {
  const tenant = `${API_PREFIX}/${kind.plural}`;
  const project = `${API_PREFIX}/projects/:project/${kind.plural}`;
  if (kind.scope === 'project') return [project];
  if (kind.scope === 'tenant-or-project') return [tenant, project];
  return [tenant];
}

function registerKind(
  app: FastifyInstance,
  o: ResourceRoutesOptions,
  kind: KindDefinition,
  base: string,
): void {
  const tags = [kind.kind];
  const body = { $ref: `${kind.kind}Input#` };
  const target = (req: FastifyRequest<{ Params: Params }>) => ({ kind, project: req.params.project });
  const noValidate = { validatorCompiler: () => () => true };
  const itemPaths = kind.versioned ? [`${base}/:name`, `${base}/:name/versions/:version`] : [`${base}/:name`];

  app.get<{ Params: Params; Querystring: Query }>(
    base,
    { schema: { tags, summary: `List or watch ${kind.plural}`, querystring: listQuery } },
    async (req, reply) => {
      const ctx = o.context(req);
      if (req.query.watch === 'true' || req.query.watch === '1') {
        return streamWatch({
          req,
          reply,
          hub: o.hub,
          service: o.service,
          ctx,
          target: target(req),
          resourceVersion: req.query.resourceVersion,
          labelSelector: req.query.labelSelector,
          recheck: async () => authorize(await o.reauthenticate(req), target(req), 'watch'),
        });
      }
      return o.service.list(ctx, target(req), {
        labelSelector: req.query.labelSelector,
        limit: parseLimit(req.query.limit),
        continue: req.query.continue,
      });
    },
  );

  if (!kind.readOnly) {
    app.post<{ Params: Params; Querystring: Query }>(
      base,
      { schema: { tags, summary: `Create a ${kind.kind}`, body, querystring: writeQuery }, ...noValidate },
      async (req, reply) => {
        const dryRun = parseDryRun(req.query.dryRun);
        const created = await o.service.create(o.context(req), target(req), req.body, { dryRun });
        return reply.code(dryRun ? 200 : 201).send(created);
      },
    );
  }

  for (const path of itemPaths) {
    app.get<{ Params: Params }>(path, { schema: { tags, summary: `Read a ${kind.kind}` } }, async (req) =>
      o.service.get(o.context(req), target(req), req.params.name!, req.params.version),
    );
    if (kind.readOnly) continue;
    app.put<{ Params: Params; Querystring: Query }>(
      path,
      { schema: { tags, summary: `Replace a ${kind.kind}`, body, querystring: writeQuery }, ...noValidate },
      async (req) =>
        o.service.update(o.context(req), target(req), req.params.name!, req.body, req.params.version, {
          dryRun: parseDryRun(req.query.dryRun),
        }),
    );
    app.patch<{ Params: Params; Querystring: Query }>(
      path,
      {
        schema: { tags, summary: `Merge-patch a ${kind.kind} (RFC 7396)`, querystring: writeQuery },
        ...noValidate,
      },
      async (req) =>
        o.service.patch(o.context(req), target(req), req.params.name!, req.body, req.params.version, {
          dryRun: parseDryRun(req.query.dryRun),
        }),
    );
    app.delete<{ Params: Params; Querystring: Query }>(
      path,
      { schema: { tags, summary: `Delete a ${kind.kind}`, querystring: deleteQuery } },
      async (req) => {
        const { object } = await o.service.delete(o.context(req), target(req), req.params.name!, {
          ...(req.query.resourceVersion ? { resourceVersion: req.query.resourceVersion } : {}),
          ...(req.params.version ? { version: req.params.version } : {}),
          dryRun: parseDryRun(req.query.dryRun),
        });
        return object;
      },
    );
    app.put<{ Params: Params }>(
      `${path}/status`,
      { schema: { tags, summary: `Write the status of a ${kind.kind} (platform only)` }, ...noValidate },
      async (req) => {
        const b = (req.body ?? {}) as { status?: unknown; metadata?: { resourceVersion?: unknown } };
        return o.service.updateStatus(
          o.context(req),
          target(req),
          req.params.name!,
          b.status,
          bodyResourceVersion(b.metadata?.resourceVersion),
        );
      },
    );
  }

  if (kind.versioned) {
    app.get<{ Params: Params }>(
      `${base}/:name/versions`,
      { schema: { tags, summary: `List the versions of a ${kind.kind}` } },
      async (req) => o.service.versions(o.context(req), target(req), req.params.name!),
    );
  }
}

const listQuery = {
  type: 'object',
  properties: {
    labelSelector: {
      type: 'string',
      description: 'kubectl syntax: env=prod,tier!=web,region in (a,b),!legacy',
    },
    limit: { type: 'string', pattern: '^[0-9]+$', description: 'page size, 1..1000 (default 500)' },
    continue: { type: 'string', description: 'token from the previous page' },
    watch: {
      type: 'string',
      enum: ['true', 'false', '1', '0'],
      description: 'stream changes as server-sent events',
    },
    resourceVersion: {
      type: 'string',
      pattern: '^[0-9]+$',
      description: 'watch: resume after this resourceVersion',
    },
  },
  additionalProperties: false,
} as const;

const dryRunParameter = {
  type: 'string',
  enum: ['All', 'true'],
  description: 'check everything and answer with the result, but store nothing (All and true mean the same)',
} as const;

const writeQuery = {
  type: 'object',
  properties: { dryRun: dryRunParameter },
  additionalProperties: false,
} as const;

const deleteQuery = {
  type: 'object',
  properties: {
    dryRun: dryRunParameter,
    resourceVersion: {
      type: 'string',
      pattern: '^[0-9]+$',
      description: 'delete only if the object still has this resourceVersion (else 409)',
    },
  },
  additionalProperties: false,
} as const;

/** `dryRun=All` or `dryRun=true`; anything else is refused (a misspelt value must not become a real write). */
function parseDryRun(value: unknown): boolean {
  if (value === undefined) return false;
  if (value === 'All' || value === 'true') return true;
  throw new StrataError('STRATA_BAD_REQUEST', 'dryRun must be All or true', [
    { path: '/querystring/dryRun', message: 'must be All or true' },
  ]);
}

/** The precondition of a status write: digits, else 400 (not a 409 for a version that cannot exist). */
function bodyResourceVersion(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && /^[0-9]+$/.test(value)) return value;
  throw new StrataError('STRATA_BAD_REQUEST', 'metadata.resourceVersion must be a string of digits', [
    { path: '/metadata/resourceVersion', message: 'must be a string of digits' },
  ]);
}

function parseLimit(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) {
    throw new StrataError('STRATA_BAD_REQUEST', 'limit must be an integer from 1 to 1000', [
      { path: '/query/limit', message: 'must be 1..1000' },
    ]);
  }
  return n;
}

export type { FastifyReply };
