/**
 * Reaching a cluster and its agent: the admin kubeconfig (audited), the agent manifest and agent token rotation (both
 * issue a new agent token, audited; the previous one stops working). Each of these is a POST: none is a side-effect
 * free read. `GET .../kubeconfig` is kept for clients that read it so (it changes nothing but the audit log).
 */
import { AGENT_MODES, StrataError, type AgentMode, type ClusterSpec, type Resource } from '@strata/api';
import type { ProviderCluster } from '@strata/provider-sdk';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { renderAgentManifest } from '../agent-gateway/agent-manifest.js';
import { issueAgentToken } from '../agent-gateway/agent-tokens.js';
import { authorize } from '../resources/access.js';
import {
  CLUSTER_TAGS as tags,
  CLUSTER_URL as base,
  clusterTarget as target,
  type ClusterParams as Params,
  type ClusterRoutesOptions,
} from './cluster-route-options.js';
import { agentMode, clusterInfrastructureName, refuseProviderRunAgent, statusString } from './machine.js';

const AgentManifestBody = {
  type: ['object', 'null'],
  additionalProperties: false,
  properties: {
    mode: {
      type: 'string',
      enum: AGENT_MODES,
      description:
        'full: the agent applies layers and repairs drift; read-only: it only reads (default full)',
    },
  },
} as const;

export function registerClusterAccessRoutes(app: FastifyInstance, o: ClusterRoutesOptions): void {
  const kubeconfig = async (req: FastifyRequest<{ Params: Params }>) => {
    const ctx = o.context(req);
    const current = await o.service.get(ctx, target(req), req.params.name);
    authorize(ctx.principal, target(req), 'kubeconfig');
    const provider = o.providers.get(String(current.spec.provider));
    const name = clusterInfrastructureName(current);
    if (!provider || !current.status.endpoint) {
      throw new StrataError(
        'STRATA_CONFLICT',
        `cluster "${req.params.name}" has no control plane yet (phase ${statusString(current, 'phase', 'Pending')})`,
      );
    }
    const text = await provider.kubeconfig(runningCluster(current, name));
    await o.store.recordAccess(
      { tenant: current.metadata.tenant, projects: '*' },
      {
        kind: 'Cluster',
        tenant: current.metadata.tenant,
        project: req.params.project,
        name: req.params.name,
      },
      { name: ctx.principal.name, ...(ctx.requestId ? { requestId: ctx.requestId } : {}) },
      'admin kubeconfig',
    );
    return text;
  };
  app.route<{ Params: Params }>({
    method: ['POST', 'GET'],
    url: `${base}/kubeconfig`,
    schema: { tags, summary: 'The admin kubeconfig (permission cluster.kubeconfig; audited)' },
    handler: async (req, reply) =>
      reply
        .type('application/yaml')
        .header('cache-control', 'no-store')
        .send(await kubeconfig(req)),
  });

  /** The cluster, after the caller's permission `verb` on it is checked, and a new (audited) token for its agent. */
  const issueToken = async (req: FastifyRequest<{ Params: Params }>, verb: string) => {
    const ctx = o.context(req);
    const current = await o.service.get(ctx, target(req), req.params.name);
    // Authorized before anything about the cluster is said (its provider runs its own agent or not).
    authorize(ctx.principal, target(req), verb);
    if (verb === 'agent-manifest') refuseProviderRunAgent(o.providers, current);
    const token = await issueAgentToken({
      agents: o.agents,
      store: o.store,
      cluster: {
        clusterUid: current.metadata.uid,
        tenant: current.metadata.tenant,
        project: req.params.project,
        name: req.params.name,
      },
      actor: { name: ctx.principal.name, ...(ctx.requestId ? { requestId: ctx.requestId } : {}) },
    });
    return { current, token };
  };

  app.post<{ Params: Params; Body: { mode?: AgentMode } | null | undefined }>(
    `${base}/agent-manifest`,
    {
      schema: {
        tags,
        summary:
          'The agent as Kubernetes objects, with a newly issued token (the previous token stops working; audited)',
        body: AgentManifestBody,
      },
    },
    async (req, reply) => {
      const { token } = await issueToken(req, 'agent-manifest');
      return reply
        .type('application/yaml')
        .header('cache-control', 'no-store')
        .send(renderAgentManifest({ serverUrl: o.agentServerUrl(), token, mode: req.body?.mode ?? 'full' }));
    },
  );
  // Rendering the manifest issues a token, so it is not a GET; a GET says so (for clients from before the change).
  app.get<{ Params: Params }>(
    `${base}/agent-manifest`,
    { schema: { tags, summary: 'Refused with 405: use POST (rendering the manifest issues a token)' } },
    async (req, reply) => {
      const ctx = o.context(req);
      await o.service.get(ctx, target(req), req.params.name);
      authorize(ctx.principal, target(req), 'agent-manifest');
      reply.header('allow', 'POST');
      throw new StrataError(
        'STRATA_METHOD_NOT_ALLOWED',
        `the agent manifest is rendered with POST ${req.url.split('?')[0]}: rendering it issues a new agent token (the previous one stops working)`,
      );
    },
  );

  app.post<{ Params: Params }>(
    `${base}/rotate-agent-token`,
    {
      schema: { tags, summary: 'Replace the agent token; the provider restarts its agent with the new one' },
    },
    async (req) => {
      const { current, token } = await issueToken(req, 'rotate-agent-token');
      const provider = o.providers.get(String(current.spec.provider));
      const name = current.status.infrastructureName;
      if (provider?.ensureAgent && typeof name === 'string') {
        await provider.ensureAgent(runningCluster(current, name), {
          serverUrl: o.agentServerUrl(),
          token,
          // The mode the controller runs it in: a read-only imported cluster keeps a read-only agent.
          mode: agentMode(current.spec as unknown as ClusterSpec),
        });
        return { rotated: true, restarted: true };
      }
      return { rotated: true, restarted: false, token };
    },
  );
}

/** The cluster as the provider runs it now (for reads: kubeconfig, agent restarts). */
function runningCluster(cluster: Resource, name: string): ProviderCluster {
  return {
    name,
    spec: cluster.spec as unknown as ClusterSpec,
    kubernetesVersion: statusString(cluster, 'kubernetesVersion', ''),
  };
}
