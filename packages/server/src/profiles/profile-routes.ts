import { StrataError, ClusterProfileKind, type Resource } from '@strata/api';
import {
  diffProfiles,
  maskStack,
  tryResolveProfiles,
  validateProfile,
  mergeMacros,
  MASK,
  type ProfileDocument,
} from '@strata/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { accessScope } from '../auth/principal.js';
import type { TenantCatalogs } from '../catalog/tenant-catalog.js';
import { authorize, type Target } from '../resources/access.js';
import type { RequestContext, ResourceService } from '../resources/resource-service.js';
import type { SecretCipher } from '../resources/secret-fields.js';
import { isPublished, PROFILE_PUBLISHED } from './profile-hooks.js';
import { loadMacros } from './macros.js';
import { revealedProfile } from './sealed-defaults.js';

export interface ProfileRoutesOptions {
  service: ResourceService;
  catalogs: TenantCatalogs;
  /** Reveals the sealed defaults of sensitive variables, to validate and resolve (never for responses). */
  cipher: SecretCipher;
  context: (req: FastifyRequest) => RequestContext;
  /** Wakes watchers after a publish (a status write the ResourceService does not see). */
  onWrite?: () => void;
}

type Params = { project?: string; name: string; version?: string };
const kind = ClusterProfileKind;
const tags = ['ClusterProfile'];
const semverPattern = '^\\d+\\.\\d+\\.\\d+(-[0-9A-Za-z.-]+)?(\\+[0-9A-Za-z.-]+)?$';

const CloneBody = {
  type: 'object',
  required: ['version'],
  additionalProperties: false,
  properties: { version: { type: 'string', pattern: semverPattern, description: 'the new draft version' } },
} as const;
const ResolveBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    variables: { type: 'object', description: 'variable values by name' },
    overrides: { type: 'object', description: 'per-layer overrides by layer name: {values, presets}' },
    system: {
      type: 'object',
      description: 'system values to preview with (cluster.name, provider, region, ...)',
    },
  },
} as const;
const DiffBody = {
  type: 'object',
  required: ['from', 'to'],
  additionalProperties: false,
  properties: { from: { type: 'string' }, to: { type: 'string' } },
} as const;

/** Profile version actions: publish, clone, resolve (preview the stack), diff. */
export function registerProfileRoutes(app: FastifyInstance, o: ProfileRoutesOptions): void {
  for (const base of ['/v1/clusterprofiles', '/v1/projects/:project/clusterprofiles']) {
    const target = (req: FastifyRequest<{ Params: Params }>): Target => ({
      kind,
      project: req.params.project,
    });
    const version = `${base}/:name/versions/:version`;

    app.post<{ Params: Params }>(
      `${version}/publish`,
      { schema: { tags, summary: 'Publish a draft version (it becomes immutable)' } },
      async (req) => {
        const ctx = o.context(req);
        const current = await o.service.get(ctx, target(req), req.params.name, req.params.version);
        authorize(ctx.principal, target(req), 'publish');
        if (isPublished(current)) return current;
        const tenant = ctx.principal.tenant;
        const [catalog, macros] = await Promise.all([
          o.catalogs.get(tenant),
          loadMacros(o.service.store, tenant, req.params.project),
        ]);
        const issues = validateProfile({
          profile: await revealedProfile(o.service.store, o.cipher, current),
          catalog,
          macros: mergeMacros(macros) as Record<string, string>,
        });
        if (issues.length > 0)
          throw new StrataError(
            'STRATA_PROFILE_INVALID',
            `cannot publish: ${issues.length} problems (listed in issues)`,
            issues,
          );
        const stored = await o.service.store.updateStatus(
          accessScope(ctx.principal),
          {
            key: {
              kind: kind.kind,
              tenant,
              project: req.params.project ?? '',
              name: req.params.name,
              version: req.params.version!,
            },
            expectedResourceVersion: current.metadata.resourceVersion,
            status: {
              ...current.status,
              state: PROFILE_PUBLISHED,
              publishedAt: new Date().toISOString(),
              publishedBy: ctx.principal.name,
            },
          },
          { name: ctx.principal.name, ...(ctx.requestId ? { requestId: ctx.requestId } : {}) },
        );
        o.onWrite?.();
        return stored;
      },
    );

    app.post<{ Params: Params; Body: { version: string } }>(
      `${version}/clone`,
      { schema: { tags, summary: 'Make a new draft version from this one', body: CloneBody } },
      async (req, reply) => {
        const ctx = o.context(req);
        const redacted = await o.service.get(ctx, target(req), req.params.name, req.params.version);
        // The copy gets the sealed defaults in clear, and seals them again as its own.
        const source = await revealedProfile(o.service.store, o.cipher, redacted);
        const created = await o.service.create(ctx, target(req), {
          metadata: {
            name: source.metadata.name,
            labels: source.metadata.labels,
            annotations: source.metadata.annotations,
          },
          spec: { ...source.spec, version: req.body.version },
        });
        return reply.code(201).send(created);
      },
    );

    app.post<{
      Params: Params;
      Body: {
        variables?: Record<string, unknown>;
        overrides?: Record<string, unknown>;
        system?: Record<string, unknown>;
      };
    }>(
      `${version}/resolve`,
      {
        schema: { tags, summary: 'Preview the resolved stack for given variable values', body: ResolveBody },
      },
      async (req) => {
        const ctx = o.context(req);
        const redacted = await o.service.get(ctx, target(req), req.params.name, req.params.version);
        const profile = await revealedProfile(o.service.store, o.cipher, redacted);
        const tenant = ctx.principal.tenant;
        const [catalog, macros] = await Promise.all([
          o.catalogs.get(tenant),
          loadMacros(o.service.store, tenant, req.params.project),
        ]);
        const variables = withoutMaskedDefaults(profile, req.body?.variables);
        const result = tryResolveProfiles({
          profiles: [
            {
              profile: profile as unknown as ProfileDocument,
              ...(variables ? { variables } : {}),
              ...(req.body?.overrides ? { overrides: req.body.overrides as never } : {}),
            },
          ],
          catalog,
          macros,
          system: {
            cluster: { name: 'preview', uid: '00000000-0000-0000-0000-000000000000' },
            project: { name: req.params.project ?? '' },
            tenant: { name: tenant },
            provider: 'sandbox',
            ...(req.body?.system ?? {}),
          },
        });
        if (!result.stack) {
          const allVariables = result.issues.every((i) => i.code === 'STRATA_VARIABLE_INVALID');
          throw new StrataError(
            allVariables ? 'STRATA_VARIABLE_INVALID' : 'STRATA_PROFILE_INVALID',
            `cannot resolve: ${result.issues.length} problems (listed in issues)`,
            result.issues,
          );
        }
        // The caller gave the values, but responses and logs never carry sensitive ones.
        return maskStack(result.stack, result.secrets);
      },
    );

    const diff = async (ctx: RequestContext, t: Target, name: string, from: string, to: string) => {
      const [a, b] = await Promise.all([o.service.get(ctx, t, name, from), o.service.get(ctx, t, name, to)]);
      return diffProfiles(a as unknown as ProfileDocument, b as unknown as ProfileDocument);
    };
    app.post<{ Params: Params; Body: { from: string; to: string } }>(
      `${base}/:name/diff`,
      {
        schema: {
          tags,
          summary: 'Compare two versions: layers added, removed, moved, changed (with values diffs)',
          body: DiffBody,
        },
      },
      async (req) => diff(o.context(req), target(req), req.params.name, req.body.from, req.body.to),
    );
    app.get<{ Params: Params; Querystring: { from: string; to: string } }>(
      `${base}/:name/diff`,
      { schema: { tags, summary: 'Compare two versions', querystring: DiffBody } },
      async (req) => diff(o.context(req), target(req), req.params.name, req.query.from, req.query.to),
    );
  }
}

export type { Resource };

/** `********` given for a variable whose default is sealed stands for that default (what a form read shows). */
function withoutMaskedDefaults(
  profile: Resource,
  given: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
  if (!given) return given;
  const defs = (profile.spec.variables as { name: string; sensitive?: boolean }[] | undefined) ?? [];
  const sealed = new Set(defs.filter((d) => d.sensitive).map((d) => d.name));
  return Object.fromEntries(Object.entries(given).filter(([k, v]) => !(v === MASK && sealed.has(k))));
}
