import { ClusterProfileKind, PackKind, StrataError, type Issue } from '@strata/api';
import { mergeMacros, packToResource, validateProfile, type ConversionNote } from '@strata/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TenantCatalogs } from '../catalog/tenant-catalog.js';
import { authorize } from '../resources/access.js';
import type { RequestContext, ResourceService } from '../resources/resource-service.js';
import { requireProject } from '../resources/project-rules.js';
import { loadMacros } from './macros.js';
import { convertPack, convertProfiles } from './palette-convert.js';
import { decodePackFiles, PackFilesSchema, storePack, type PushFiles } from './pack-push-route.js';

export interface PaletteImportRoutesOptions {
  service: ResourceService;
  catalogs: TenantCatalogs;
  context: (req: FastifyRequest) => RequestContext;
}

const MAX_PROFILE_TEXT = 4 * 1024 * 1024;
const semverPattern = '^\\d+\\.\\d+\\.\\d+(-[0-9A-Za-z.-]+)?(\\+[0-9A-Za-z.-]+)?$';

const PackImportBody = {
  type: 'object',
  required: ['from', 'files'],
  additionalProperties: false,
  properties: {
    from: { type: 'string', enum: ['palette'], description: 'the source format' },
    source: { type: 'string', maxLength: 256, description: 'the directory name, for the report' },
    dryRun: { type: 'boolean', description: 'convert and report; store nothing' },
    files: PackFilesSchema,
  },
} as const;

const ProfileImportBody = {
  type: 'object',
  required: ['from', 'text'],
  additionalProperties: false,
  properties: {
    from: { type: 'string', enum: ['palette'] },
    format: {
      type: 'string',
      enum: ['yaml', 'json', 'hcl'],
      description: 'detected from the text when absent',
    },
    text: {
      type: 'string',
      maxLength: MAX_PROFILE_TEXT,
      description: 'export YAML, import JSON or Terraform',
    },
    version: {
      type: 'string',
      pattern: semverPattern,
      description: 'draft version when the source has none',
    },
    dryRun: { type: 'boolean' },
  },
} as const;

/** Error notes as problem issues (the whole report is in a dry run). */
function errorIssues(notes: readonly ConversionNote[], prefix = ''): Issue[] {
  return notes
    .filter((n) => n.action === 'error')
    .map((n) => ({ path: `${prefix}${n.path}`, message: n.message, code: 'STRATA_IMPORT_UNMAPPED' }));
}

/**
 * `POST /v1/packs/import` and `POST .../clusterprofiles/import`: Palette packs and cluster profiles converted by
 * core, with the conversion report. A dry run stores nothing and answers 200 with the report (and, for profiles,
 * every validation issue); a real import stores everything or nothing (422 with every problem).
 */
export function registerPaletteImportRoutes(app: FastifyInstance, o: PaletteImportRoutesOptions): void {
  app.post<{ Body: { from: 'palette'; source?: string; dryRun?: boolean; files: PushFiles } }>(
    '/v1/packs/import',
    {
      schema: {
        tags: ['Pack'],
        summary: 'Import a Palette pack directory as a Strata pack',
        body: PackImportBody,
      },
      bodyLimit: 16 * 1024 * 1024,
    },
    async (req, reply) => {
      const ctx = o.context(req);
      authorize(ctx.principal, { kind: PackKind }, 'create');
      const source = req.body.source ?? '';
      const result = await convertPack(decodePackFiles(req.body.files), source);
      const pack = result.pack;
      const summary = pack ? { name: pack.name, version: pack.version } : {};
      if (req.body.dryRun) {
        const object = pack ? withoutArchive(packToResource(pack)) : undefined;
        return reply.send({
          source,
          action: pack ? 'convertible' : 'not-convertible',
          ...summary,
          report: result.notes,
          ...(object ? { object } : {}),
        });
      }
      if (!pack)
        throw new StrataError(
          'STRATA_IMPORT_UNMAPPED',
          `the Palette pack${source ? ` ${source}` : ''} cannot be imported: ${errorIssues(result.notes).length} problems (listed in issues; --dry-run shows the whole report)`,
          errorIssues(result.notes),
        );
      const { action, object } = await storePack(o, ctx, pack);
      return reply
        .code(action === 'created' ? 201 : 200)
        .send({ source, action, ...summary, report: result.notes, object });
    },
  );

  for (const base of ['/v1/clusterprofiles', '/v1/projects/:project/clusterprofiles']) {
    app.post<{
      Params: { project?: string };
      Body: {
        from: 'palette';
        format?: 'yaml' | 'json' | 'hcl';
        text: string;
        version?: string;
        dryRun?: boolean;
      };
    }>(
      `${base}/import`,
      {
        schema: {
          tags: ['ClusterProfile'],
          summary: 'Import Palette cluster profiles (export YAML, import JSON, Terraform) as draft profiles',
          body: ProfileImportBody,
        },
        bodyLimit: MAX_PROFILE_TEXT + 64 * 1024,
      },
      async (req, reply) => {
        const ctx = o.context(req);
        const project = req.params.project;
        const target = { kind: ClusterProfileKind, project };
        authorize(ctx.principal, target, 'create');
        // A project of another tenant (or one that does not exist) is a 404 before anything is read.
        await requireProject(o.service.store, ctx.principal, project);
        const converted = await convertProfiles({
          text: req.body.text,
          ...(req.body.format ? { format: req.body.format } : {}),
          ...(project ? { project } : {}),
          ...(req.body.version ? { version: req.body.version } : {}),
        });
        const tenant = ctx.principal.tenant;
        const [catalog, macros] = await Promise.all([
          o.catalogs.get(tenant),
          loadMacros(o.service.store, tenant, project),
        ]);
        const items = converted.profiles.map((p) => ({
          source: p.source,
          ...(p.profile ? { name: p.profile.metadata.name, version: p.profile.spec.version } : {}),
          report: p.notes,
          issues: p.profile
            ? validateProfile({
                profile: p.profile,
                catalog,
                macros: mergeMacros(macros) as Record<string, string>,
              })
            : [],
          profile: p.profile,
        }));
        if (req.body.dryRun)
          return reply.send({
            format: converted.format,
            report: converted.notes,
            items: items.map(({ profile, ...item }) => ({
              ...item,
              action: !profile ? 'not-convertible' : item.issues.length ? 'invalid' : 'valid',
              ...(profile ? { object: profile } : {}),
            })),
          });
        const problems: Issue[] = [
          ...errorIssues(converted.notes),
          ...items.flatMap((i) => [
            ...errorIssues(i.report, i.source === '/' ? '' : i.source),
            ...i.issues.map((issue) => ({
              ...issue,
              path: `${i.source === '/' ? '' : i.source}${issue.path}`,
            })),
          ]),
        ];
        if (items.length === 0 && problems.length === 0)
          problems.push({
            path: '',
            message: 'no cluster profile found in the text',
            code: 'STRATA_IMPORT_UNMAPPED',
          });
        if (problems.length > 0)
          throw new StrataError(
            'STRATA_PROFILE_INVALID',
            `nothing imported: ${problems.length} problems (listed in issues; --dry-run shows the whole report)`,
            problems,
          );
        // All or nothing: a version that exists already stops the import before anything is written.
        const existing = [];
        for (const item of items) {
          const found = await o.service
            .get(ctx, target, item.profile!.metadata.name, item.profile!.spec.version)
            .then(
              () => true,
              (err: unknown) => {
                if (err instanceof StrataError && err.code === 'STRATA_NOT_FOUND') return false;
                throw err;
              },
            );
          if (found)
            existing.push({
              path: `${item.source === '/' ? '' : item.source}/metadata/name`,
              message: `${item.profile!.metadata.name} ${item.profile!.spec.version} exists already; import another version (--version, or the version in the file)`,
            });
        }
        if (existing.length > 0)
          throw new StrataError(
            'STRATA_ALREADY_EXISTS',
            `nothing imported: ${existing.length} profile versions exist already (listed in issues)`,
            existing,
          );
        const created = [];
        for (const item of items) {
          const { profile, ...rest } = item;
          const object = await o.service.create(ctx, target, profile!);
          created.push({ ...rest, action: 'created', object });
        }
        return reply.code(201).send({ format: converted.format, report: converted.notes, items: created });
      },
    );
  }
}

/** A dry run shows the pack without its chart archive (the caller sent it). */
function withoutArchive<T extends { spec: { bundledChart?: { archive?: string } } }>(object: T): T {
  const b = object.spec.bundledChart;
  if (!b?.archive) return object;
  return {
    ...object,
    spec: { ...object.spec, bundledChart: { ...b, archive: `<${b.archive.length} base64 characters>` } },
  };
}
