/**
 * The Cluster controller: observe → compare → act → write status, re-entrant at every step (SPEC.md §3).
 *
 *   Pending → Provisioning (provider builds infrastructure + control plane + pools; the agent is started and gets
 *   its first desired-state revision) → Running (agent connected, every layer Applied) ⇄ Updating (a new revision or
 *   a repave rolls) → Deleting → gone. Failed when the spec cannot be satisfied (terminal provider error, a profile
 *   that no longer resolves) or after repeated transient errors; it keeps retrying slowly and recovers by itself.
 *
 * Every pass reads the same way: fetch → deleting? → paused? → a scope → the phases → one status write. Everything
 * the controller needs to resume lives in the store (status, desired-state revisions, agent records) or with the
 * provider (which finds its infrastructure by name), so killing the server at any line converges to the same end.
 */
import { StrataError, type ClusterStatus } from '@strata/api';
import { canonicalJson } from '@strata/core';
import type { ObjectKey, ResourceRepository } from '@strata/store';
import type { TenantCatalogs } from '../../catalog/tenant-catalog.js';
import type { ClusterAgents } from '../../agent-gateway/cluster-agents.js';
import type { ProviderRegistry } from '../../clusters/provider-registry.js';
import {
  lowestRequeue,
  Result,
  runPhases,
  type Controller,
  type Phase,
  type ReconcileContext,
} from '../../controller-runtime/index.js';
import type { SecretCipher } from '../../resources/secret-fields.js';
import { recordEvent } from '../events.js';
import { CONTROLLER_SOURCE, deletePhase } from './cluster-delete.js';
import {
  agentPhase,
  desiredStatePhase,
  infrastructurePhase,
  maintenancePhase,
  pausePhase,
  repavePhase,
  resolvePhase,
  summarisePhase,
} from './cluster-phases.js';
import {
  clusterKey,
  fetchCluster,
  isPaused,
  newClusterScope,
  type ClusterEvent,
  type ClusterScope,
} from './cluster-scope.js';
import { transitionEvents } from './cluster-events.js';

export interface ClusterControllerOptions {
  store: ResourceRepository;
  catalogs: TenantCatalogs;
  providers: ProviderRegistry;
  agents: ClusterAgents;
  /** The URL agents dial (this server as reachable from where agents run). */
  agentServerUrl: () => string;
  /** Reveals write-only spec fields the provider needs (an imported cluster's kubeconfig). */
  cipher: SecretCipher;
  /** Re-check interval of a settled cluster (agent heartbeat, newer profile versions). Default 15 s. */
  resyncMs?: number;
  /** Re-check interval while something is in progress. Default 2 s. */
  progressMs?: number;
  /** Silence after which an agent counts as disconnected. Default AGENT_DISCONNECTED_AFTER_SECONDS (90 s). */
  agentTimeoutMs?: number;
  /** Consecutive transient failures after which the cluster shows Failed (it keeps retrying). Default 8. */
  failAfterAttempts?: number;
}

export class ClusterController implements Controller {
  readonly name = 'cluster';
  readonly #o: ClusterControllerOptions;
  readonly #phases: {
    readonly deleting: readonly Phase<ClusterScope>[];
    readonly paused: readonly Phase<ClusterScope>[];
    readonly normal: readonly Phase<ClusterScope>[];
  };

  constructor(options: ClusterControllerOptions) {
    this.#o = options;
    const summarise = summarisePhase(options);
    this.#phases = {
      deleting: [deletePhase(options), summarise],
      paused: [pausePhase(options), summarise],
      normal: [
        resolvePhase(options),
        infrastructurePhase(options),
        agentPhase(options),
        desiredStatePhase(options),
        maintenancePhase(options),
        repavePhase(options),
        summarise,
      ],
    };
  }

  async reconcile(ctx: ReconcileContext, key: ObjectKey): Promise<Result> {
    const cluster = await fetchCluster(this.#o.store, key);
    if (!cluster) return Result.done();
    // Pause is decided before anything that can fail: a paused cluster with a broken profile stays just paused.
    const phases = cluster.metadata.deletedAt
      ? this.#phases.deleting
      : isPaused(cluster)
        ? this.#phases.paused
        : this.#phases.normal;
    const scope = newClusterScope(ctx, cluster);
    const outcome = await runPhases(ctx, scope, phases);
    const written = await this.#writeStatus(scope);
    await this.#record(scope, [
      ...scope.events,
      ...(written ? transitionEvents(scope.before, written, cluster.metadata.name) : []),
    ]);
    if (outcome.error) throw outcome.error;
    // The status changed under us (the agent gateway wrote a report): nothing was clobbered; look again at once.
    return written ? outcome.result : lowestRequeue(outcome.result, Result.requeueAfter(0));
  }

  /**
   * Writes the status summarise computed, once, compare-and-swap on the resourceVersion this pass read. Returns
   * the status now stored, or undefined when another writer came first (the next pass starts from theirs).
   */
  async #writeStatus(scope: ClusterScope): Promise<ClusterStatus | undefined> {
    const { cluster, status } = scope;
    if (scope.gone || !status) return scope.before;
    if (canonicalJson(status) === canonicalJson(scope.before)) return status;
    try {
      await this.#o.store.updateStatus(
        { tenant: cluster.metadata.tenant, projects: '*' },
        { key: clusterKey(cluster), status, expectedResourceVersion: cluster.metadata.resourceVersion },
        { name: CONTROLLER_SOURCE },
      );
      return status;
    } catch (err) {
      if (err instanceof StrataError && err.code === 'STRATA_CONFLICT') return undefined;
      throw err;
    }
  }

  async #record(scope: ClusterScope, events: readonly ClusterEvent[]): Promise<void> {
    const { metadata } = scope.cluster;
    for (const event of events) {
      await recordEvent(this.#o.store, {
        tenant: metadata.tenant,
        involvedObject: {
          kind: 'Cluster',
          name: metadata.name,
          ...(metadata.project ? { project: metadata.project } : {}),
        },
        ...event,
        source: CONTROLLER_SOURCE,
        now: scope.now,
      });
    }
  }
}
