/**
 * Agent tokens: `sat.<cluster uid>.<secret>`, the only credential the agent gateway accepts. The server keeps only a
 * hash of the secret (`cluster_agents`); issuing a token replaces the previous one at once. A token handed to a
 * person or a link (agent manifest, rotation, import link) is recorded in the cluster's audit log.
 */
import { AGENT_TOKEN_PREFIX } from '@strata/api';
import type { Actor, AgentIdentity, ResourceRepository } from '@strata/store';
import type { ClusterAgents } from './cluster-agents.js';

export function formatAgentToken(clusterUid: string, secret: string): string {
  return `${AGENT_TOKEN_PREFIX}.${clusterUid}.${secret}`;
}

/** The cluster and secret of a well-formed agent token; undefined for anything else. */
export function parseAgentToken(token: string): { clusterUid: string; secret: string } | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== AGENT_TOKEN_PREFIX) return undefined;
  const [, clusterUid, secret] = parts as [string, string, string];
  return clusterUid && secret.length >= 20 ? { clusterUid, secret } : undefined;
}

/** What the audit log says when someone is given a new token, unless the caller says more. */
export const TOKEN_ISSUED = 'agent token issued (the previous one stopped working)';

export interface IssueAgentTokenOptions {
  agents: ClusterAgents;
  store: ResourceRepository;
  cluster: AgentIdentity;
  /** Who gets the token (a user, or `system:import-link`). */
  actor: Actor;
  /** The audit entry's detail (default TOKEN_ISSUED). */
  detail?: string;
}

/** Issues a new token for the cluster's agent (the previous one stops working) and records it in the audit log. */
export async function issueAgentToken(o: IssueAgentTokenOptions): Promise<string> {
  const token = await o.agents.issueToken(o.cluster);
  const { tenant, project, name } = o.cluster;
  await o.store.recordAccess(
    { tenant, projects: '*' },
    { kind: 'Cluster', tenant, project, name },
    o.actor,
    o.detail ?? TOKEN_ISSUED,
  );
  return token;
}
