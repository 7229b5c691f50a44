/** What every cluster action route gets (cluster-routes.ts registers them all), and their common URL parts. */
import { ClusterKind } from '@strata/api';
import type { ResourceRepository } from '@strata/store';
import type { FastifyRequest } from 'fastify';
import type { ClusterAgents } from '../agent-gateway/cluster-agents.js';
import type { TenantCatalogs } from '../catalog/tenant-catalog.js';
import type { Target } from '../resources/access.js';
import type { RequestContext, ResourceService } from '../resources/resource-service.js';
import type { SecretCipher } from '../resources/secret-fields.js';
import type { ProviderRegistry } from './provider-registry.js';

export interface ClusterRoutesOptions {
  service: ResourceService;
  store: ResourceRepository;
  /** Reveals sealed variables to resolve stacks (never for responses). */
  cipher: SecretCipher;
  catalogs: TenantCatalogs;
  providers: ProviderRegistry;
  agents: ClusterAgents;
  context: (req: FastifyRequest) => RequestContext;
  /** The URL agents dial, for rendered manifests. */
  agentServerUrl: () => string;
  onWrite?: (tenant: string) => void;
}

export type ClusterParams = { project: string; name: string };
export const CLUSTER_TAGS = ['Cluster'];
/** One cluster; its actions are `${CLUSTER_URL}/ACTION`. */
export const CLUSTER_URL = '/v1/projects/:project/clusters/:name';

export const clusterTarget = (req: FastifyRequest<{ Params: ClusterParams }>): Target => ({
  kind: ClusterKind,
  project: req.params.project,
});
