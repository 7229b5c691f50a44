/**
 * The phases of a Cluster pass. Each observes or acts, records what it saw in the scope, and answers what it needs
 * next; a phase that needs an earlier one's result checks the scope and does nothing without it. None writes status:
 * summarise computes it from the scope, and the controller writes it once.
 */
import { createHash } from 'node:crypto';
import {
  AGENT_DISCONNECTED_AFTER_SECONDS,
  jsonBoundsProblem,
  MAX_JSON_DEPTH,
  type ClusterSpec,
} from '@strata/api';
import { classifyProviderError } from '@strata/provider-sdk';
import { listAll, type AgentIdentity } from '@strata/store';
import { Result, type Phase, type ReconcileContext } from '../../controller-runtime/index.js';
import {
  agentMode,
  clusterInfrastructureName,
  machineTarget,
  providerCluster,
  storedTarget,
} from '../../clusters/machine.js';
import { resolveCluster } from '../../clusters/resolve-cluster.js';
import { effectiveMaintenance, windowState } from '../../fleet/maintenance.js';
import { revealStoredVariables } from '../../clusters/sealed-variables.js';
import { isPublished } from '../../profiles/profile-hooks.js';
import { revealSecret } from '../../resources/secret-fields.js';
import { compareVersions } from '@strata/api';
import type { ClusterControllerOptions } from './cluster-controller.js';
import type { ClusterScope, ProviderFailure } from './cluster-scope.js';
import { summarise } from './cluster-status.js';

type ClusterPhase = Phase<ClusterScope>;

/** How long a Failed cluster (terminal error, invalid spec) waits before looking again. */
export const FAILED_RETRY_MS = 60_000;

export const DEFAULTS = {
  resyncMs: 15_000,
  progressMs: 2_000,
  agentTimeoutMs: AGENT_DISCONNECTED_AFTER_SECONDS * 1000,
  failAfterAttempts: 8,
} as const;

/**
 * policy.paused holds every change: nothing is resolved, and the only provider call holds the provider's own
 * controllers (Cluster API's `spec.paused`) so they change nothing either. Status says so.
 */
export function pausePhase(o: ClusterControllerOptions): ClusterPhase {
  return {
    name: 'pause',
    run: async (_ctx, scope) => {
      scope.paused = { held: true };
      const { cluster } = scope;
      const provider = o.providers.get(String(cluster.spec.provider));
      if (provider?.pause) {
        try {
          await provider.pause(storedTarget(cluster, unprocessableSpec(cluster.spec) !== undefined));
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          scope.paused = { held: false, message: `paused, but the provider still acts: ${message}` };
          return Result.requeueAfter(progressMs(o));
        }
      }
      return Result.requeueAfter(o.resyncMs ?? DEFAULTS.resyncMs);
    },
  };
}

/** Reveals the spec and resolves its profiles; a spec that cannot be processed or satisfied stops the pass. */
export function resolvePhase(o: ClusterControllerOptions): ClusterPhase {
  return {
    name: 'resolve',
    run: async (_ctx, scope) => {
      const { cluster } = scope;
      const unprocessable = unprocessableSpec(cluster.spec);
      if (unprocessable) {
        // Stored before the bounds existed: nothing recursive may touch it. Failed until it is replaced or deleted.
        scope.invalidSpec = `the spec cannot be processed: ${unprocessable}`;
        return Result.requeueAfter(FAILED_RETRY_MS);
      }
      const revealed = revealStoredVariables(cluster.spec as unknown as ClusterSpec, o.cipher);
      const kubeconfig = revealSecret(o.cipher, cluster.spec.kubeconfig);
      const spec = typeof kubeconfig === 'string' ? { ...revealed, kubeconfig } : revealed;
      const resolved = await resolveCluster({
        store: o.store,
        catalogs: o.catalogs,
        cipher: o.cipher,
        cluster: identity(scope),
        spec,
        providers: o.providers.names(),
      });
      const provider = o.providers.get(spec.provider);
      const target = providerCluster({
        name: clusterInfrastructureName(cluster),
        spec,
        stack: resolved.stack,
        where: { tenant: cluster.metadata.tenant, project: cluster.metadata.project ?? '' },
      });
      if (!provider || !resolved.stack || !target || resolved.issues.length > 0) {
        const issues = resolved.issues.map((i) => `${i.path}: ${i.message}`);
        scope.invalidSpec =
          issues.length > 0
            ? `the spec cannot be satisfied: ${issues.slice(0, 5).join('; ')}`
            : 'the spec cannot be satisfied: no Kubernetes version';
        return Result.requeueAfter(FAILED_RETRY_MS);
      }
      const workloads = provider.runsWorkloads !== false;
      Object.assign(scope, {
        spec,
        provider,
        workloads,
        target,
        stack: resolved.stack,
        secrets: resolved.secrets,
      });
      return Result.done();
    },
  };
}

/** Asks the provider to build (or keep) the infrastructure, control plane and pools; not ready yet is a requeue. */
export function infrastructurePhase(o: ClusterControllerOptions): ClusterPhase {
  return {
    name: 'infrastructure',
    run: async (_ctx, scope) => {
      const { provider, target } = scope;
      if (!provider || !target) return Result.done();
      try {
        scope.progress = await provider.ensure(target);
      } catch (err) {
        return providerFailure(scope, 'InfrastructureReady', err);
      }
      const { infrastructureReady, controlPlaneReady } = scope.progress;
      return infrastructureReady && controlPlaneReady ? Result.done() : Result.requeueAfter(progressMs(o));
    },
  };
}

/** Once the control plane is up: has the provider run the agent (with a token when it needs one), reads its heartbeat. */
export function agentPhase(o: ClusterControllerOptions): ClusterPhase {
  return {
    name: 'agent',
    run: async (ctx, scope) => {
      const { provider, target, progress } = scope;
      if (!provider || !target || !progress?.infrastructureReady || !progress.controlPlaneReady) {
        return Result.done();
      }
      if (scope.workloads === false) return Result.done();
      let message = `install the agent: strata cluster agent-manifest ${scope.cluster.metadata.name} | kubectl apply -f -`;
      if (provider.ensureAgent) {
        try {
          message = await ensureAgent(ctx, o, scope);
        } catch (err) {
          return providerFailure(scope, 'AgentConnected', err);
        }
      }
      const record = await o.agents.repository.get(scope.cluster.metadata.uid);
      const lastSeen = record?.lastSeen;
      const timeout = o.agentTimeoutMs ?? DEFAULTS.agentTimeoutMs;
      const connected = lastSeen !== undefined && ctx.clock.now() - Date.parse(lastSeen) < timeout;
      scope.agent = {
        connected,
        message,
        ...(record?.agentVersion ? { version: record.agentVersion } : {}),
        ...(lastSeen ? { lastSeen } : {}),
      };
      return Result.done();
    },
  };
}

/** Publishes the resolved stack as the agent's desired-state revision (a new revision only when it changed). */
export function desiredStatePhase(o: ClusterControllerOptions): ClusterPhase {
  return {
    name: 'desired state',
    run: async (_ctx, scope) => {
      const { spec, stack, agent } = scope;
      if (!spec || !stack || !agent) return Result.done();
      const { revision } = await o.agents.publish(scope.cluster.metadata.uid, {
        stack,
        policy: { drift: spec.policy?.drift ?? 'remediate', paused: false },
        mode: agentMode(spec),
        secrets: scope.secrets ?? [],
      });
      scope.desired = {
        revision,
        stackHash: stack.hash,
        updatesAvailable: await updatesAvailable(o, scope, spec),
      };
      return Result.done();
    },
  };
}

/**
 * Nodes that do not run the machine the spec asks for are repaved, control plane first — once approved
 * (`spec.repaveApproval` names the pending repave) or at once under policy.repave `automatic`. The pass that finds
 * the approval only shows the repave starting; the next one runs it, so status says Updating before nodes go.
 */
/** Reads the maintenance windows that apply to the cluster (its own, else a group's) and where now is in them. */
export function maintenancePhase(o: ClusterControllerOptions): ClusterPhase {
  return {
    name: 'maintenance',
    run: async (_ctx, scope) => {
      const found = await effectiveMaintenance(o.store, scope.cluster);
      if (found)
        scope.maintenance = { source: found.source, state: windowState(found.maintenance, scope.now) };
      return Result.done();
    },
  };
}

export function repavePhase(_o: ClusterControllerOptions): ClusterPhase {
  return {
    name: 'repave',
    run: async (ctx, scope) => {
      const { spec, target, progress, provider, desired } = scope;
      // After the desired state is published (the agent is up), unless no agent ever runs there.
      if (!spec || !target || !progress || !provider || (!desired && scope.workloads !== false))
        return Result.done();
      const outdated = new Set(progress.nodePools.filter((p) => p.outdated > 0).map((p) => p.name));
      const pools = [
        ...spec.nodePools.filter((p) => outdated.has(p.name) && p.controlPlane),
        ...spec.nodePools.filter((p) => outdated.has(p.name) && !p.controlPlane),
      ].map((p) => p.name);
      if (pools.length === 0) {
        scope.repave = { state: 'None' };
        return Result.done();
      }
      const machine = machineTarget(target);
      const pending = scope.before.pendingRepave;
      const id = pending?.target === machine && pending.id ? pending.id : repaveId(machine, scope);
      const approval = spec.repaveApproval?.id === id ? spec.repaveApproval : undefined;
      const request = {
        id,
        pools,
        target: machine,
        reason: repaveReason(scope),
        ...(approval?.approvedBy ? { approvedBy: approval.approvedBy } : {}),
      };
      if (!approval && spec.policy?.repave !== 'automatic') {
        scope.repave = { state: 'Waiting', ...request };
        return Result.done();
      }
      const window = scope.maintenance?.state;
      if (!(pending?.id === id && pending.approved) && window && !window.open) {
        // Approved, but disruptive: it waits for the next window (a repave under way is not stopped by its end).
        const opens = window.next?.toISOString();
        scope.repave = { state: 'Waiting', ...request, ...(opens ? { window: opens } : {}) };
        if (pending?.waitingForWindow !== opens) {
          scope.events.push({
            type: 'Normal',
            reason: 'RepaveWaitingForWindow',
            message: opens
              ? `the repave starts when the maintenance window opens at ${opens}`
              : 'no maintenance window opens within a year',
          });
        }
        return opens
          ? Result.requeueAfter(Math.max(0, Date.parse(opens) - scope.now.getTime()))
          : Result.done();
      }
      if (!(pending?.id === id && pending.approved)) {
        scope.repave = { state: 'Starting', ...request };
        return Result.requeueAfter(0);
      }
      try {
        for (const pool of pools) {
          if (ctx.signal.aborted) return Result.done();
          await provider.repavePool(target, { pool });
        }
      } catch (err) {
        scope.repave = { state: 'Starting', ...request };
        return providerFailure(scope, 'NodePoolsReady', err);
      }
      scope.repave = { state: 'Done', ...request };
      scope.events.push({
        type: 'Normal',
        reason: 'RepaveCompleted',
        message: `pools ${pools.join(', ')} repaved`,
      });
      return Result.requeueAfter(0);
    },
  };
}

/** Computes the status to write from the scope (pure) and how soon to look again. */
export function summarisePhase(o: ClusterControllerOptions): ClusterPhase {
  return {
    name: 'summarise',
    run: async (_ctx, scope) => {
      if (scope.gone) return Result.done();
      scope.status = summarise(scope, {
        failAfterAttempts: o.failAfterAttempts ?? DEFAULTS.failAfterAttempts,
      });
      if (scope.paused || scope.status.phase === 'Running')
        return Result.requeueAfter(o.resyncMs ?? DEFAULTS.resyncMs);
      if (scope.status.phase === 'Failed') return Result.requeueAfter(FAILED_RETRY_MS);
      return Result.requeueAfter(progressMs(o));
    },
  };
}

/**
 * Records a failed provider call. Terminal errors (the provider refuses the spec) are not retried soon: Failed, look
 * again in a minute. Transient ones are thrown, so the runtime backs off; summarise shows Failed after many.
 */
export function providerFailure(
  scope: ClusterScope,
  condition: ProviderFailure['condition'],
  err: unknown,
): Result {
  const terminal = classifyProviderError(err) === 'terminal';
  scope.providerFailure = { condition, terminal, message: err instanceof Error ? err.message : String(err) };
  if (terminal) return Result.requeueAfter(FAILED_RETRY_MS);
  throw err;
}

async function ensureAgent(
  ctx: ReconcileContext,
  o: ClusterControllerOptions,
  scope: ClusterScope,
): Promise<string> {
  const { provider, target } = scope;
  const agent: AgentIdentity = { ...identity(scope), clusterUid: scope.cluster.metadata.uid };
  const token = (await o.agents.hasToken(agent.clusterUid)) ? undefined : await o.agents.issueToken(agent);
  const launch = { serverUrl: o.agentServerUrl(), mode: agentMode(target!.spec) };
  let progress = await provider!.ensureAgent!(target!, token ? { ...launch, token } : launch);
  if (progress.tokenRequired && !ctx.signal.aborted) {
    progress = await provider!.ensureAgent!(target!, { ...launch, token: await o.agents.issueToken(agent) });
  }
  if (progress.started)
    scope.events.push({ type: 'Normal', reason: 'AgentStarted', message: progress.message });
  return progress.running ? 'waiting for the agent to report' : progress.message;
}

/** Newer published versions of each attached profile (the newest one). */
async function updatesAvailable(o: ClusterControllerOptions, scope: ClusterScope, spec: ClusterSpec) {
  const { cluster } = scope;
  const out: { profile: string; from: string; to: string }[] = [];
  const readScope = { tenant: cluster.metadata.tenant, projects: '*' as const };
  for (const ref of spec.profiles ?? []) {
    let versions: Awaited<ReturnType<typeof listAll>> = [];
    for (const project of [cluster.metadata.project ?? '', '']) {
      versions = await listAll(o.store, readScope, { kind: 'ClusterProfile', project, name: ref.name });
      if (versions.length > 0) break;
    }
    const newer = versions
      .filter((v) => isPublished(v) && compareVersions(String(v.spec.version), ref.version) > 0)
      .map((v) => String(v.spec.version))
      .sort(compareVersions);
    const newest = newer.at(-1);
    if (newest) out.push({ profile: ref.name, from: ref.version, to: newest });
  }
  return out;
}

/** A repave request's identity: its target, and the generation at which it was first needed. */
function repaveId(machine: string, scope: ClusterScope): string {
  const seed = `${scope.cluster.metadata.uid}/${machine}/${scope.cluster.metadata.generation}`;
  return createHash('sha256').update(seed).digest('hex').slice(0, 16);
}

function repaveReason(scope: ClusterScope): string {
  const running = scope.before.kubernetesVersion;
  const target = scope.target!;
  if (running !== undefined && running !== target.kubernetesVersion) {
    return `Kubernetes ${running} → ${target.kubernetesVersion}`;
  }
  return target.osImage ? `machine image changed (${target.osImage})` : 'machine shape changed';
}

function identity(scope: ClusterScope) {
  const { metadata } = scope.cluster;
  return { tenant: metadata.tenant, project: metadata.project ?? '', name: metadata.name, uid: metadata.uid };
}

function progressMs(o: ClusterControllerOptions): number {
  return o.progressMs ?? DEFAULTS.progressMs;
}

/** Why a stored spec cannot be processed safely (nested too deep for recursive code), or undefined. */
export function unprocessableSpec(spec: Record<string, unknown>): string | undefined {
  const problem = jsonBoundsProblem(spec, { maxDepth: MAX_JSON_DEPTH });
  if (!problem) return undefined;
  return `/spec${problem.path.split('/').slice(0, 2).join('/')} is ${problem.message}; replace the spec or delete the cluster`;
}
