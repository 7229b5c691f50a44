import {
  ClusterKind,
  type ClusterPlan,
  type ClusterProfileSpec,
  type ClusterSpec,
  type ClusterStatus,
  type GenerateProfileRequest,
  type Resource,
  type ResourceInput,
} from '@strata/api';
import type { StrataClient } from './client.js';
import type { ScopeOptions } from './types.js';

/** A Cluster as the server returns it. */
export type Cluster = Resource<ClusterSpec, ClusterStatus>;

/** What `plan` compares with the current Cluster: a whole Cluster document, or just its spec. */
export type ProposedCluster = ResourceInput | { spec: Record<string, unknown> };

export interface ClusterPlanResult {
  plan: ClusterPlan;
  /** The Cluster as it would be stored (defaults filled in); nothing was stored. */
  proposed: Cluster;
}

export interface ClusterUpgradeRequest {
  /** An attached profile. */
  profile: string;
  /** The published version to move it to. */
  version: string;
  /** Only compute the plan. */
  dryRun?: boolean | undefined;
}

/** `cluster` after an upgrade; `proposed` (nothing stored) after a dry run. */
export interface ClusterUpgradeResult {
  plan: ClusterPlan;
  cluster?: Cluster;
  proposed?: Cluster;
}

export interface ClusterScaleRequest {
  pool: string;
  count: number;
}

export type AgentManifestMode = 'full' | 'read-only';

export interface AgentTokenRotation {
  rotated: boolean;
  /** The provider restarted the agent with the new token itself. */
  restarted: boolean;
  /** The new token, when the agent was not restarted (give it to the agent yourself). */
  token?: string;
}

/** A one-time link to the agent manifest of a cluster the server cannot reach (imported, connect `manifest`). */
export interface ImportLink {
  /** `<server>/v1/import/<token>.yaml`: works once, without an API key, until `expiresAt`. */
  url: string;
  /** `kubectl apply -f <url>` */
  command: string;
  expiresAt: string;
}

export interface ImportLinkRequest {
  /** 60 to 86400; the server's default is 3600. */
  expiresInSeconds?: number | undefined;
}

/** A draft ClusterProfile made from the agent's last discovery report (`generate-profile`). */
export interface GeneratedProfileResult {
  /** The ClusterProfile version as stored (Draft). */
  profile: Resource<ClusterProfileSpec>;
  /** Which layer each discovered item became. */
  matched: { item: string; layer: string }[];
  /** What the profile does not describe, with the reason (e.g. a chart no pack source serves). */
  unmatched: { item: string; reason: string }[];
}

/** Events of one cluster, newest first. */
export interface ClusterEvents {
  items: Resource[];
}

/**
 * The Cluster actions (plan, upgrade, scale, approve-repave, kubeconfig, agent manifest, import link and token,
 * generated profile, events), typed.
 * Every call addresses `/v1/projects/{project}/clusters/{name}/...`, so `project` is required.
 */
export class ClusterActions {
  private readonly client: StrataClient;

  constructor(client: StrataClient) {
    this.client = client;
  }

  /** What the proposed Cluster would change; 422 with every issue when its spec is invalid. Stores nothing. */
  async plan(name: string, proposed: ProposedCluster, options: ScopeOptions): Promise<ClusterPlanResult> {
    return this.client.action<ClusterPlanResult>(ClusterKind, name, 'plan', proposed, options);
  }

  /** Moves an attached profile to another published version (or, with dryRun, only plans it). */
  async upgrade(
    name: string,
    request: ClusterUpgradeRequest,
    options: ScopeOptions,
  ): Promise<ClusterUpgradeResult> {
    const body = {
      profile: request.profile,
      version: request.version,
      ...(request.dryRun ? { dryRun: true } : {}),
    };
    return this.client.action<ClusterUpgradeResult>(ClusterKind, name, 'upgrade', body, options);
  }

  /** Sets a pool's node count (within its min/max); 422 for an unknown pool. */
  async scale(name: string, request: ClusterScaleRequest, options: ScopeOptions): Promise<Cluster> {
    return this.client.action<Cluster>(ClusterKind, name, 'scale', request, options);
  }

  /** Approves the repave the cluster waits for; 409 when none is pending. */
  async approveRepave(name: string, options: ScopeOptions): Promise<Cluster> {
    return this.client.action<Cluster>(ClusterKind, name, 'approve-repave', {}, options);
  }

  /** The admin kubeconfig (YAML). Needs permission cluster.kubeconfig; every call is audited. */
  async kubeconfig(name: string, options: ScopeOptions): Promise<string> {
    return this.client.subresourceText(ClusterKind, name, 'kubeconfig', { ...options, method: 'POST' });
  }

  /**
   * The agent as Kubernetes objects (YAML) with a newly issued token: the previous token stops working (a POST for
   * that reason; audited). `mode` defaults to full. 409 for providers that run the agent themselves (sandbox).
   */
  async agentManifest(
    name: string,
    options: ScopeOptions & { mode?: AgentManifestMode | undefined },
  ): Promise<string> {
    const { mode, ...rest } = options;
    return this.client.subresourceText(ClusterKind, name, 'agent-manifest', {
      ...rest,
      method: 'POST',
      body: mode === undefined ? {} : { mode },
    });
  }

  /** Replaces the agent token; the previous one stops working at once. */
  async rotateAgentToken(name: string, options: ScopeOptions): Promise<AgentTokenRotation> {
    return this.client.action<AgentTokenRotation>(ClusterKind, name, 'rotate-agent-token', {}, options);
  }

  /**
   * A one-time link to the agent manifest (`kubectl apply -f URL`), for imported clusters connected by manifest.
   * Making it changes nothing; using it issues a new agent token (the previous one stops working). 409 for clusters
   * whose provider runs the agent itself.
   */
  async importLink(name: string, request: ImportLinkRequest, options: ScopeOptions): Promise<ImportLink> {
    const body = request.expiresInSeconds === undefined ? {} : { expiresInSeconds: request.expiresInSeconds };
    return this.client.subresource<ImportLink>(ClusterKind, name, 'import-link', {
      ...options,
      method: 'POST',
      body,
    });
  }

  /**
   * Makes a draft ClusterProfile `profile`@`version` from what the cluster's agent discovered (imported clusters),
   * with the selected `objects` (discovered workloads, read by the agent now) as manifest layers. 409 until the agent
   * has sent a discovery report, and when objects are selected but the agent does not answer.
   */
  async generateProfile(
    name: string,
    request: GenerateProfileRequest,
    options: ScopeOptions,
  ): Promise<GeneratedProfileResult> {
    return this.client.action<GeneratedProfileResult>(
      ClusterKind,
      name,
      'generate-profile',
      request,
      options,
    );
  }

  /** The cluster's events, newest first. */
  async events(name: string, options: ScopeOptions): Promise<ClusterEvents> {
    return this.client.subresource<ClusterEvents>(ClusterKind, name, 'events', options);
  }
}
