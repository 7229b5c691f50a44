/**
 * One-time import links, for clusters the server cannot reach: `POST .../clusters/NAME/import-link` makes a link,
 * `kubectl apply -f <server>/v1/import/TOKEN.yaml` fetches the agent manifest through it once. Fetching issues a
 * new agent token (the previous one stops working). The token in the URL is the only credential of that GET; only
 * its SHA-256 hash is stored, and the URL is redacted in the request log.
 */
import { ClusterKind, StrataError, type ClusterSpec, type Resource } from '@strata/api';
import type { ImportLink, ImportLinkRepository, ResourceRepository } from '@strata/store';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hashSecret, newSecret } from '../auth/tokens.js';
import { authorize, type Target } from '../resources/access.js';
import type { RequestContext, ResourceService } from '../resources/resource-service.js';
import { renderAgentManifest } from '../agent-gateway/agent-manifest.js';
import { issueAgentToken } from '../agent-gateway/agent-tokens.js';
import { agentMode, refuseProviderRunAgent } from './machine.js';
import type { ClusterAgents } from '../agent-gateway/cluster-agents.js';
import type { ProviderRegistry } from './provider-registry.js';

export interface ImportRoutesOptions {
  service: ResourceService;
  store: ResourceRepository;
  providers: ProviderRegistry;
  agents: ClusterAgents;
  links: ImportLinkRepository;
  context: (req: FastifyRequest) => RequestContext;
  /** The URL agents dial; links point there too (the cluster fetches the manifest from where its agent dials). */
  agentServerUrl: () => string;
}

/** What `POST .../import-link` answers. */
export interface ImportLinkResponse {
  url: string;
  /** `kubectl apply -f URL` */
  command: string;
  expiresAt: string;
}

/** `sil_` ("Strata import link") and 32 random bytes, base64url: easy to spot in a secret scanner. */
export const IMPORT_LINK_PREFIX = 'sil_';
const LINK_FILE = /^(sil_[A-Za-z0-9_-]{43})\.yaml$/;
export const DEFAULT_LINK_SECONDS = 3600;
const REDACTED_PATH = '/v1/import/(redacted).yaml';

type Params = { project: string; name: string };
const tags = ['Cluster'];

export function registerImportRoutes(app: FastifyInstance, o: ImportRoutesOptions): void {
  app.post<{ Params: Params; Body: { expiresInSeconds?: number } | undefined }>(
    '/v1/projects/:project/clusters/:name/import-link',
    {
      schema: {
        tags,
        summary:
          'A one-time link to the agent manifest (kubectl apply -f URL); using it issues a new agent token',
        body: {
          type: ['object', 'null'],
          additionalProperties: false,
          properties: {
            expiresInSeconds: {
              type: 'integer',
              minimum: 60,
              maximum: 86400,
              description: `how long the link works (default ${DEFAULT_LINK_SECONDS})`,
            },
          },
        },
      },
    },
    async (req, reply) => {
      const ctx = o.context(req);
      const target: Target = { kind: ClusterKind, project: req.params.project };
      const cluster = await o.service.get(ctx, target, req.params.name);
      authorize(ctx.principal, target, 'agent-manifest');
      refuseProviderRunAgent(o.providers, cluster);
      if (cluster.metadata.deletedAt) {
        throw new StrataError('STRATA_DELETING', `cluster "${req.params.name}" is being deleted`);
      }
      const token = `${IMPORT_LINK_PREFIX}${newSecret()}`;
      const seconds = req.body?.expiresInSeconds ?? DEFAULT_LINK_SECONDS;
      const key = clusterKey(cluster);
      const link = await o.links.create({
        clusterUid: cluster.metadata.uid,
        tenant: key.tenant,
        project: key.project,
        name: key.name,
        tokenHash: hashSecret(token),
        createdBy: ctx.principal.name,
        ttlMs: seconds * 1000,
      });
      try {
        await o.store.recordAccess(
          { tenant: key.tenant, projects: '*' },
          key,
          { name: ctx.principal.name, ...(ctx.requestId ? { requestId: ctx.requestId } : {}) },
          `one-time import link created (expires ${link.expiresAt}); using it issues a new agent token`,
        );
      } catch (err) {
        await o.links.remove(link.tokenHash).catch(() => undefined);
        throw err;
      }
      const url = `${o.agentServerUrl().replace(/\/+$/, '')}/v1/import/${token}.yaml`;
      const body: ImportLinkResponse = { url, command: `kubectl apply -f ${url}`, expiresAt: link.expiresAt };
      return reply.code(201).header('cache-control', 'no-store').send(body);
    },
  );

  // The URL is the credential: these routes need no API key, and their URL is never logged.
  const open = {
    config: { public: true },
    logSerializers: {
      req: (req: FastifyRequest) => ({ method: req.method, url: REDACTED_PATH, remoteAddress: req.ip }),
    },
  } as const;
  const refuse = (err: StrataError, req: FastifyRequest, reply: FastifyReply) => {
    // Answered here so the problem's `instance` is not the URL (which holds the token).
    req.log.info({ code: err.code, status: err.status }, 'request refused');
    return reply
      .code(err.status)
      .header('cache-control', 'no-store')
      .type('application/problem+json')
      .send(err.toProblem(REDACTED_PATH));
  };

  app.get<{ Params: { file: string } }>(
    '/v1/import/:file',
    {
      ...open,
      // A HEAD (link previews, `curl -I`) must not use the link up: it gets the 405 below.
      exposeHeadRoute: false,
      schema: {
        tags,
        summary:
          'The agent manifest through a one-time import link (no API key: the token in the path is the credential)',
        security: [],
      },
    },
    async (req, reply) => {
      try {
        const manifest = await fetchManifest(o, req.params.file, req.id);
        return await reply.type('application/yaml').header('cache-control', 'no-store').send(manifest);
      } catch (err) {
        if (err instanceof StrataError) return refuse(err, req, reply);
        throw err;
      }
    },
  );
  app.route({
    method: ['HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    url: '/v1/import/:file',
    ...open,
    schema: { hide: true },
    handler: (req, reply) =>
      refuse(
        new StrataError('STRATA_METHOD_NOT_ALLOWED', `an import link is fetched with GET, not ${req.method}`),
        req,
        reply.header('allow', 'GET'),
      ),
  });
  app.route({
    method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    url: '/v1/import/*',
    ...open,
    schema: { hide: true },
    handler: (req, reply) => refuse(invalidLink(), req, reply),
  });
}

/** One answer for malformed, unknown and orphaned links: the response says nothing about which it was. */
function invalidLink(): StrataError {
  return new StrataError(
    'STRATA_NOT_FOUND',
    'this import link is not valid; ask for a new one (strata import NAME --manifest)',
  );
}

/** Uses the link once and renders the agent manifest with a newly issued agent token. */
async function fetchManifest(o: ImportRoutesOptions, file: string, requestId: string): Promise<string> {
  const invalid = invalidLink();
  const token = LINK_FILE.exec(file)?.[1];
  const link = token ? await o.links.get(hashSecret(token)) : undefined;
  if (!link) throw invalid;
  const key = clusterKey(link);
  const scope = { tenant: link.tenant, projects: '*' as const };
  const cluster = await o.store.get(scope, key);
  if (!cluster || cluster.metadata.uid !== link.clusterUid || cluster.metadata.deletedAt) throw invalid;
  refuseProviderRunAgent(o.providers, cluster);
  const use = await o.links.consume(link.tokenHash);
  if (use.outcome === 'unknown') throw invalid;
  if (use.outcome !== 'consumed') {
    const what =
      use.outcome === 'used' ? `was used at ${use.link.usedAt}` : `expired at ${use.link.expiresAt}`;
    throw new StrataError(
      'STRATA_GONE',
      `this import link ${what}; create a new one with "strata import ${link.name} --manifest -p ${link.project}" (POST /v1/projects/${link.project}/clusters/${link.name}/import-link)`,
    );
  }
  try {
    const agentToken = await issueAgentToken({
      agents: o.agents,
      store: o.store,
      cluster: { clusterUid: link.clusterUid, tenant: link.tenant, project: link.project, name: link.name },
      actor: { name: 'system:import-link', requestId },
      detail: `agent manifest fetched with the one-time import link ${linkLabel(link)}; a new agent token was issued (the previous one stopped working)`,
    });
    return renderAgentManifest({
      serverUrl: o.agentServerUrl(),
      token: agentToken,
      mode: agentMode(cluster.spec as unknown as ClusterSpec),
    });
  } catch (err) {
    // Nothing was handed out: the link may be used again.
    await o.links.release(link.tokenHash, use.link.usedAt ?? '').catch(() => undefined);
    throw err;
  }
}

function linkLabel(link: ImportLink): string {
  return `created by ${link.createdBy} at ${link.createdAt}`;
}

function clusterKey(c: Resource | ImportLink): {
  kind: 'Cluster';
  tenant: string;
  project: string;
  name: string;
} {
  return 'metadata' in c
    ? { kind: 'Cluster', tenant: c.metadata.tenant, project: c.metadata.project ?? '', name: c.metadata.name }
    : { kind: 'Cluster', tenant: c.tenant, project: c.project, name: c.name };
}
