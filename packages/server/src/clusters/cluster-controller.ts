/**
 * The Cluster controller: observe → compare → act → write status, re-entrant at every step (SPEC.md §3).
 *
 *   Pending → Provisioning (provider builds infrastructure + control plane + pools; the agent is started and gets
 *   its first desired-state revision) → Running (agent connected, every layer Applied) ⇄ Updating (a new revision or
 *   a repave rolls) → Deleting → gone. Failed when the spec cannot be satisfied (terminal provider error, a profile
 *   that no longer resolves) or after repeated transient errors; it keeps retrying slowly and recovers by itself.
 *
 * Everything the controller needs to resume lives in the store (status, desired-state revisions, agent records) or
 * with the provider (which finds its infrastructure by name), so killing the server at any point and starting it
 * again converges to the same end state.
 */
import { jsonBoundsProblem, MAX_JSON_DEPTH, type ClusterSpec, type Resource } from '@strata/api';
import {
  classifyProviderError,
  type ClusterProgress,
  type Provider,
  type ProviderCluster,
} from '@strata/provider-sdk';
import { listAll, type ObjectKey, type ResourceRepository } from '@strata/store';
import type { TenantCatalogs } from '../catalog/tenant-catalog.js';
import { Result, type Controller, type ReconcileContext } from '../controller-runtime/index.js';
import { recordEvent } from '../controllers/events.js';
import { isPublished } from '../profiles/profile-hooks.js';
import { compareVersions } from '../resources/versions.js';
import type { ClusterAgents } from '../agent-gateway/cluster-agents.js';
import { INFRASTRUCTURE_FINALIZER } from './cluster-hooks.js';
import { condition, setCondition, updateClusterStatus, type Status } from './cluster-status.js';
import {
  agentMode,
  clusterInfrastructureName,
  machineTarget,
  providerCluster,
  statusString,
} from './machine.js';
import type { ProviderRegistry } from './provider-registry.js';
import { resolveCluster } from './resolve-cluster.js';
import { revealStoredVariables } from './sealed-variables.js';
import { revealSecret, type SecretCipher } from '../resources/secret-fields.js';
import { AGENT_DISCONNECTED_AFTER_SECONDS } from '@strata/api';

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

type Phase = 'Pending' | 'Provisioning' | 'Running' | 'Updating' | 'Deleting' | 'Deleted' | 'Failed';

const SOURCE = 'cluster-controller';

export class ClusterController implements Controller {
  readonly name = 'cluster';
  readonly #o: ClusterControllerOptions;

  constructor(options: ClusterControllerOptions) {
    this.#o = options;
  }

  get #resync(): number {
    return this.#o.resyncMs ?? 15_000;
  }

  get #progress(): number {
    return this.#o.progressMs ?? 2_000;
  }

  async reconcile(ctx: ReconcileContext, key: ObjectKey): Promise<Result> {
    const cluster = await this.#o.store.get({ tenant: key.tenant, projects: '*' }, key);
    if (!cluster) return Result.done();
    if (cluster.metadata.deletedAt) return this.#delete(ctx, cluster);
    const unprocessable = unprocessableSpec(cluster.spec);
    if (unprocessable) {
      // Stored before the bounds existed: nothing recursive may touch it. Failed until it is replaced or deleted.
      await this.#fail(cluster, 'InvalidSpec', `the spec cannot be processed: ${unprocessable}`);
      return Result.requeueAfter(60_000);
    }
    const spec = this.#providerSpec(cluster);
    const provider = this.#o.providers.get(spec.provider);
    const resolved = await resolveCluster({
      store: this.#o.store,
      catalogs: this.#o.catalogs,
      cipher: this.#o.cipher,
      cluster: this.#identity(cluster),
      spec,
      providers: this.#o.providers.names(),
    });
    const target = providerCluster({ name: this.#infraName(cluster), spec, stack: resolved.stack });
    if (!provider || !resolved.stack || !target || resolved.issues.length > 0) {
      const issues = resolved.issues.map((i) => `${i.path}: ${i.message}`);
      await this.#fail(
        cluster,
        'InvalidSpec',
        issues.length > 0
          ? `the spec cannot be satisfied: ${issues.slice(0, 5).join('; ')}`
          : 'the spec cannot be satisfied: no Kubernetes version',
      );
      return Result.requeueAfter(60_000);
    }
    if (spec.policy?.paused) {
      await this.#write(cluster, (s) => {
        s.paused = true;
      });
      return Result.requeueAfter(this.#resync);
    }

    if ((cluster.status.phase ?? 'Pending') === 'Pending') {
      await this.#phase(cluster, 'Provisioning', 'creating infrastructure and control plane');
    }
    let progress: ClusterProgress;
    try {
      progress = await provider.ensure(target);
    } catch (err) {
      return this.#providerError(ctx, cluster, err, 'InfrastructureReady');
    }
    await this.#write(cluster, (s, gen) => {
      delete s.paused;
      setCondition(s, 'SpecValid', true, 'Valid', 'the spec can be satisfied', gen);
      s.infrastructureName = target.name;
      if (progress.endpoint) s.endpoint = progress.endpoint;
      if (progress.kubernetesVersion) s.kubernetesVersion = progress.kubernetesVersion;
      s.nodePools = progress.nodePools.map((p) => ({
        name: p.name,
        desired: p.desired,
        ready: p.ready,
        ...(p.version ? { version: p.version } : {}),
      }));
      setCondition(
        s,
        'InfrastructureReady',
        progress.infrastructureReady,
        progress.infrastructureReady ? 'Provisioned' : 'Provisioning',
        progress.message,
        gen,
      );
      setCondition(
        s,
        'ControlPlaneReady',
        progress.controlPlaneReady,
        progress.controlPlaneReady ? 'Ready' : 'Starting',
        progress.controlPlaneReady ? `API server at ${progress.endpoint ?? '?'}` : progress.message,
        gen,
      );
      const poolsReady = progress.nodePools.every((p) => p.ready >= p.desired);
      setCondition(s, 'NodePoolsReady', poolsReady, poolsReady ? 'Ready' : 'Scaling', progress.message, gen);
    });
    if (!progress.infrastructureReady || !progress.controlPlaneReady) {
      await this.#phase(cluster, this.#busyPhase(cluster), progress.message);
      return Result.requeueAfter(this.#progress);
    }

    const agent = await this.#ensureAgent(ctx, cluster, provider, target);
    if (agent instanceof Error) return this.#providerError(ctx, cluster, agent, 'AgentConnected');
    const policy = { drift: spec.policy?.drift ?? 'remediate', paused: false } as const;
    const { revision } = await this.#o.agents.publish(cluster.metadata.uid, {
      stack: resolved.stack,
      policy,
      mode: agentMode(spec),
      secrets: resolved.secrets,
    });
    const updatesAvailable = await this.#updatesAvailable(cluster, spec);

    // Repave: the provider reports nodes that do not run the machine the spec asks for.
    const outdated = progress.nodePools.filter((p) => p.outdated > 0).map((p) => p.name);
    const ordered = orderPools(spec, outdated);
    const machine = machineTarget(target);
    const pending = cluster.status.pendingRepave as
      { target: string; approved: boolean; approvedBy?: string } | undefined;
    const approved =
      spec.policy?.repave === 'automatic' || (pending?.target === machine && pending.approved === true);
    if (ordered.length > 0 && !approved) {
      const reason = repaveReason(cluster, target);
      const fresh = pending?.target !== machine;
      await this.#write(cluster, (s) => {
        s.pendingRepave = { reason, pools: ordered, approved: false, target: machine };
      });
      if (fresh) {
        await this.#event(
          cluster,
          'Normal',
          'RepavePending',
          `${reason}: pools ${ordered.join(', ')} need new nodes; approve with: strata cluster approve-repave ${cluster.metadata.name}`,
        );
      }
    } else if (ordered.length > 0) {
      await this.#phase(cluster, 'Updating', `repaving ${ordered.join(', ')}`);
      await this.#event(cluster, 'Normal', 'RepaveStarted', `repaving pools ${ordered.join(', ')}`);
      try {
        for (const pool of ordered) {
          if (ctx.signal.aborted) return Result.done();
          await provider.repavePool(target, { pool });
        }
      } catch (err) {
        return this.#providerError(ctx, cluster, err, 'NodePoolsReady');
      }
      await this.#write(cluster, (s) => {
        delete s.pendingRepave;
      });
      await this.#event(cluster, 'Normal', 'RepaveCompleted', `pools ${ordered.join(', ')} repaved`);
      return Result.requeueAfter(0);
    } else if (pending) {
      await this.#write(cluster, (s) => {
        delete s.pendingRepave;
      });
    }

    // Agent and layers: the gateway writes layers/health from the agent's reports; here they are judged.
    const record = await this.#o.agents.repository.get(cluster.metadata.uid);
    const lastSeen = record?.lastSeen ? Date.parse(record.lastSeen) : undefined;
    const timeout = this.#o.agentTimeoutMs ?? AGENT_DISCONNECTED_AFTER_SECONDS * 1000;
    const connected = lastSeen !== undefined && Date.now() - lastSeen < timeout;
    const latest = await this.#o.store.get({ tenant: key.tenant, projects: '*' }, key);
    if (!latest || latest.metadata.deletedAt) return Result.requeueAfter(0);
    const layers = (latest.status.layers as { state: string }[] | undefined) ?? [];
    const reported = latest.status.reportedRevision === revision;
    // Every layer of the stack must be reported Applied (or Drifted): a report of the revision that does not list its
    // layers yet (the agent just took the revision) is not "applied".
    const inForce = new Set(
      (layers as { profile?: string; name?: string; state: string }[])
        .filter((l) => l.state === 'Applied' || l.state === 'Drifted')
        .map((l) => `${l.profile ?? ''}/${l.name ?? ''}`),
    );
    const applied =
      reported &&
      layers.every((l) => l.state === 'Applied' || l.state === 'Drifted') &&
      resolved.stack.layers.every((l) => inForce.has(`${l.profile.name}/${l.name}`));
    const drifted = layers.some((l) => l.state === 'Drifted');
    const failedLayer = layers.find((l) => l.state === 'Failed') as
      { name?: string; message?: string } | undefined;
    await this.#write(latest, (s, gen) => {
      s.desired = { revision, stackHash: resolved.stack!.hash };
      if (updatesAvailable.length > 0) s.updatesAvailable = updatesAvailable;
      else delete s.updatesAvailable;
      s.agent = {
        connected,
        ...(record?.agentVersion ? { version: record.agentVersion } : {}),
        ...(record?.lastSeen ? { lastSeen: record.lastSeen } : {}),
      };
      if (!connected) s.health = 'Unknown';
      setCondition(
        s,
        'AgentConnected',
        connected,
        connected ? 'Connected' : lastSeen === undefined ? 'WaitingForAgent' : 'AgentDisconnected',
        connected
          ? `agent ${record?.agentVersion ?? ''} reporting`.replace('  ', ' ')
          : lastSeen === undefined
            ? agent.message
            : `no report since ${record?.lastSeen ?? '?'} (the agent keeps enforcing the last desired state)`,
        gen,
      );
      setCondition(
        s,
        'LayersApplied',
        applied,
        applied ? 'Applied' : failedLayer ? 'LayerFailed' : reported ? 'Applying' : 'WaitingForAgent',
        applied
          ? `revision ${revision}: ${layers.length} layers applied`
          : failedLayer
            ? `layer ${failedLayer.name ?? '?'} failed: ${failedLayer.message ?? ''}`
            : `revision ${revision} not applied yet`,
        gen,
      );
      setCondition(
        s,
        'NoDrift',
        !drifted,
        drifted ? 'Drifted' : 'InSync',
        drifted
          ? `drift in ${layers
              .filter((l) => l.state === 'Drifted')
              .map((l) => (l as { name?: string }).name)
              .join(', ')}`
          : 'the cluster matches its desired state',
        gen,
      );
      s.observedGeneration = gen;
    });
    if (
      connected !== (condition(latest.status, 'AgentConnected')?.status === 'True') &&
      lastSeen !== undefined
    ) {
      await this.#event(
        latest,
        connected ? 'Normal' : 'Warning',
        connected ? 'AgentConnected' : 'AgentDisconnected',
        connected ? 'the agent is reporting' : `no report from the agent since ${record?.lastSeen ?? '?'}`,
      );
    }

    const everRunning = ['Running', 'Updating'].includes(String(latest.status.phase));
    // A repave that waits for approval does not hold the phase: the cluster runs on its current nodes meanwhile.
    const settled = applied && progress.ready;
    if (settled && (connected || everRunning)) {
      await this.#phase(latest, 'Running', `${layers.length} layers applied, ${progress.message}`);
      return Result.requeueAfter(this.#resync);
    }
    const waiting = !connected
      ? agent.message
      : !applied
        ? failedLayer
          ? `layer ${failedLayer.name ?? '?'} failed`
          : `applying revision ${revision}`
        : progress.message;
    await this.#phase(latest, everRunning ? 'Updating' : 'Provisioning', waiting);
    return Result.requeueAfter(this.#progress);
  }

  async #ensureAgent(
    ctx: ReconcileContext,
    cluster: Resource,
    provider: Provider,
    target: ProviderCluster,
  ): Promise<{ message: string } | Error> {
    if (!provider.ensureAgent) {
      return {
        message: `install the agent: strata cluster agent-manifest ${cluster.metadata.name} | kubectl apply -f -`,
      };
    }
    const identity = { ...this.#identity(cluster), clusterUid: cluster.metadata.uid };
    try {
      const token = (await this.#o.agents.hasToken(identity.clusterUid))
        ? undefined
        : await this.#o.agents.issueToken(identity);
      const launch = { serverUrl: this.#o.agentServerUrl(), mode: agentMode(target.spec) };
      let progress = await provider.ensureAgent(target, token ? { ...launch, token } : launch);
      if (progress.tokenRequired && !ctx.signal.aborted) {
        progress = await provider.ensureAgent(target, {
          ...launch,
          token: await this.#o.agents.issueToken(identity),
        });
      }
      if (progress.started) await this.#event(cluster, 'Normal', 'AgentStarted', progress.message);
      return { message: progress.running ? 'waiting for the agent to report' : progress.message };
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    }
  }

  async #delete(ctx: ReconcileContext, cluster: Resource): Promise<Result> {
    if (!cluster.metadata.finalizers.includes(INFRASTRUCTURE_FINALIZER)) return Result.done();
    await this.#phase(cluster, 'Deleting', 'removing infrastructure');
    const provider = this.#o.providers.get(String(cluster.spec.provider));
    if (provider) {
      // The provider finds its infrastructure by name: a spec it cannot process goes without its free-form part.
      const { providerConfig: _unprocessable, ...bounded } = cluster.spec;
      const spec = (unprocessableSpec(cluster.spec) ? bounded : cluster.spec) as unknown as ClusterSpec;
      const target: ProviderCluster = {
        name: this.#infraName(cluster),
        spec,
        kubernetesVersion: statusString(cluster, 'kubernetesVersion', 'v0.0.0'),
      };
      try {
        const result = await provider.delete(target);
        if (!result.done) {
          await this.#phase(cluster, 'Deleting', result.message);
          return Result.requeueAfter(this.#progress);
        }
      } catch (err) {
        return this.#providerError(ctx, cluster, err, 'InfrastructureReady');
      }
    }
    await this.#o.agents.remove(cluster.metadata.uid);
    await this.#event(cluster, 'Normal', 'Deleted', 'infrastructure removed; the cluster is gone');
    const scope = { tenant: cluster.metadata.tenant, projects: '*' as const };
    const key = this.#key(cluster);
    const latest = await this.#o.store.get(scope, key);
    if (!latest) return Result.done();
    await this.#o.store.update(
      scope,
      {
        key,
        expectedResourceVersion: latest.metadata.resourceVersion,
        labels: latest.metadata.labels,
        annotations: latest.metadata.annotations,
        finalizers: latest.metadata.finalizers.filter((f) => f !== INFRASTRUCTURE_FINALIZER),
      },
      { name: SOURCE },
    );
    return Result.done();
  }

  /** Transient errors retry with backoff (thrown); terminal ones, or too many transient ones, show Failed. */
  async #providerError(
    ctx: ReconcileContext,
    cluster: Resource,
    err: unknown,
    type: 'InfrastructureReady' | 'AgentConnected' | 'NodePoolsReady',
  ): Promise<Result> {
    const message = err instanceof Error ? err.message : String(err);
    const terminal = classifyProviderError(err) === 'terminal';
    await this.#write(cluster, (s, gen) => {
      setCondition(s, type, false, terminal ? 'ProviderRefused' : 'ProviderError', message, gen);
    });
    await this.#event(cluster, 'Warning', terminal ? 'ProviderRefused' : 'ProviderError', message);
    const limit = this.#o.failAfterAttempts ?? 8;
    if (terminal || ctx.attempt >= limit) {
      await this.#fail(
        cluster,
        terminal ? 'ProviderRefused' : 'RetriesExhausted',
        terminal ? message : `${ctx.attempt} attempts failed; still retrying: ${message}`,
      );
      if (terminal) return Result.requeueAfter(60_000);
    }
    throw err;
  }

  async #fail(cluster: Resource, reason: string, message: string): Promise<void> {
    await this.#write(cluster, (s, gen) => {
      s.failure = { reason, message };
      if (reason === 'InvalidSpec') setCondition(s, 'SpecValid', false, reason, message, gen);
    });
    await this.#phase(cluster, 'Failed', message, reason);
  }

  /** Sets the phase; records an Event when it changes. Leaving Failed clears the failure. */
  async #phase(cluster: Resource, phase: Phase, message: string, reason: string = phase): Promise<void> {
    let changed = false;
    await this.#write(cluster, (s) => {
      changed = s.phase !== phase;
      s.phase = phase;
      s.message = message;
      if (phase !== 'Failed') delete s.failure;
    });
    if (changed) await this.#event(cluster, phase === 'Failed' ? 'Warning' : 'Normal', reason, message);
  }

  #busyPhase(cluster: Resource): Phase {
    return ['Running', 'Updating'].includes(String(cluster.status.phase)) ? 'Updating' : 'Provisioning';
  }

  async #write(cluster: Resource, mutate: (s: Status, generation: number) => void): Promise<void> {
    await updateClusterStatus(this.#o.store, this.#key(cluster), (s, latest) => {
      mutate(s, latest.metadata.generation);
    });
  }

  async #event(
    cluster: Resource,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
  ): Promise<void> {
    await recordEvent(this.#o.store, {
      tenant: cluster.metadata.tenant,
      involvedObject: {
        kind: 'Cluster',
        name: cluster.metadata.name,
        ...(cluster.metadata.project ? { project: cluster.metadata.project } : {}),
      },
      type,
      reason,
      message,
      source: SOURCE,
    });
  }

  /** Newer published versions of each attached profile (the newest one). */
  async #updatesAvailable(
    cluster: Resource,
    spec: ClusterSpec,
  ): Promise<{ profile: string; from: string; to: string }[]> {
    const out: { profile: string; from: string; to: string }[] = [];
    const scope = { tenant: cluster.metadata.tenant, projects: '*' as const };
    for (const ref of spec.profiles ?? []) {
      const versions: Resource[] = [];
      for (const project of [cluster.metadata.project ?? '', '']) {
        versions.push(
          ...(await listAll(this.#o.store, scope, { kind: 'ClusterProfile', project, name: ref.name })),
        );
        if (versions.length > 0) break;
      }
      const newer = versions
        .filter((v) => isPublished(v) && compareVersions(String(v.spec.version), ref.version) > 0)
        .map((v) => String(v.spec.version))
        .sort(compareVersions);
      const newest = newer[newer.length - 1];
      if (newest) out.push({ profile: ref.name, from: ref.version, to: newest });
    }
    return out;
  }

  /**
   * The spec as the provider and the agent need it: write-only fields and sealed variables decrypted (never stored or
   * returned like this).
   */
  #providerSpec(cluster: Resource): ClusterSpec {
    const spec = revealStoredVariables(cluster.spec as unknown as ClusterSpec, this.#o.cipher);
    const kubeconfig = revealSecret(this.#o.cipher, cluster.spec.kubeconfig);
    return typeof kubeconfig === 'string' ? { ...spec, kubeconfig } : spec;
  }

  #identity(cluster: Resource) {
    return {
      tenant: cluster.metadata.tenant,
      project: cluster.metadata.project ?? '',
      name: cluster.metadata.name,
      uid: cluster.metadata.uid,
    };
  }

  #key(cluster: Resource): ObjectKey {
    return {
      kind: 'Cluster',
      tenant: cluster.metadata.tenant,
      project: cluster.metadata.project ?? '',
      name: cluster.metadata.name,
    };
  }

  #infraName(cluster: Resource): string {
    return clusterInfrastructureName(cluster);
  }
}

/** Why a stored spec cannot be processed safely (nested too deep for recursive code), or undefined. */
function unprocessableSpec(spec: Record<string, unknown>): string | undefined {
  const problem = jsonBoundsProblem(spec, { maxDepth: MAX_JSON_DEPTH });
  if (!problem) return undefined;
  return `/spec${problem.path.split('/').slice(0, 2).join('/')} is ${problem.message}; replace the spec or delete the cluster`;
}

/** Control-plane pools first, then workers, in spec order. */
function orderPools(spec: ClusterSpec, names: string[]): string[] {
  const wanted = new Set(names);
  const pools = spec.nodePools.filter((p) => wanted.has(p.name));
  return [...pools.filter((p) => p.controlPlane), ...pools.filter((p) => !p.controlPlane)].map((p) => p.name);
}

function repaveReason(cluster: Resource, target: ProviderCluster): string {
  const running = cluster.status.kubernetesVersion;
  if (typeof running === 'string' && running !== target.kubernetesVersion) {
    return `Kubernetes ${running} → ${target.kubernetesVersion}`;
  }
  return target.osImage ? `machine image changed (${target.osImage})` : 'machine shape changed';
}
