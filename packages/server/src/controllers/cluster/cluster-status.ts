/**
 * The Cluster's status as pure functions of what one pass observed (its scope): conditions, phase and message, the
 * repave waiting for approval. No I/O, no clock: `scope.now` is the time.
 */
import { CLUSTER_CONDITIONS, type ClusterPhase, type ClusterStatus } from '@strata/api';
import { setCondition, type ConditionInput } from '../conditions.js';
import type { ClusterScope } from './cluster-scope.js';

export interface SummaryOptions {
  /** Consecutive transient failures after which the cluster shows Failed (it keeps retrying). */
  readonly failAfterAttempts: number;
}

type Layer = NonNullable<ClusterStatus['layers']>[number];

/** The status to write at the end of the pass. */
export function summarise(scope: ClusterScope, options: SummaryOptions): ClusterStatus {
  let s = structuredClone(scope.before);
  if (scope.deleting) s = withPhase(s, 'Deleting', scope.deleting.message);
  if (scope.paused)
    return { ...s, paused: true, ...(scope.paused.message ? { message: scope.paused.message } : {}) };
  if (scope.invalidSpec !== undefined) {
    s = condition(s, scope, {
      type: 'SpecValid',
      status: false,
      reason: 'InvalidSpec',
      message: scope.invalidSpec,
    });
    return failed(s, 'InvalidSpec', scope.invalidSpec);
  }
  if (scope.progress) s = infrastructureStatus(s, scope);
  if (scope.agent && scope.desired) s = agentStatus(s, scope);
  if (scope.workloads === false) s = noWorkloadsStatus(s, scope);
  if (scope.repave) s = repaveStatus(s, scope.repave);
  s = maintenanceStatus(s, scope);
  const failure = scope.providerFailure;
  if (failure) {
    const reason = failure.terminal ? 'ProviderRefused' : 'ProviderError';
    s = condition(s, scope, { type: failure.condition, status: false, reason, message: failure.message });
    if (scope.deleting) return s;
    if (failure.terminal) return failed(s, 'ProviderRefused', failure.message);
    if (scope.attempt >= options.failAfterAttempts) {
      return failed(
        s,
        'RetriesExhausted',
        `${scope.attempt} attempts failed; still retrying: ${failure.message}`,
      );
    }
    const phase = s.phase ?? 'Pending';
    return phase === 'Pending'
      ? withPhase(s, 'Provisioning', 'creating infrastructure and control plane')
      : s;
  }
  if (scope.deleting) return s;
  const [phase, message] = phaseOf(scope);
  return withPhase(s, phase, message);
}

/** Where the cluster is in its lifecycle, and one line about it, from what the pass observed. */
export function phaseOf(scope: ClusterScope): [ClusterPhase, string] {
  const everRunning = scope.before.phase === 'Running' || scope.before.phase === 'Updating';
  const busy = everRunning ? 'Updating' : 'Provisioning';
  const { progress, agent, desired, repave } = scope;
  if (!progress) return [busy, 'creating infrastructure and control plane'];
  if (!progress.infrastructureReady || !progress.controlPlaneReady) return [busy, progress.message];
  if (repave?.state === 'Starting') return ['Updating', `repaving ${repave.pools.join(', ')}`];
  if (repave?.state === 'Done') return ['Updating', `pools ${repave.pools.join(', ')} repaved`];
  if (scope.workloads === false)
    return progress.ready ? ['Running', progress.message] : [busy, progress.message];
  if (!agent || !desired) return [busy, progress.message];
  const layers = judgeLayers(scope.before, scope);
  // A repave that waits for approval does not hold the phase: the cluster runs on its current nodes meanwhile.
  if (layers.applied && progress.ready && (agent.connected || everRunning)) {
    return ['Running', `${layers.count} layers applied, ${progress.message}`];
  }
  const waiting = !agent.connected
    ? agent.message
    : !layers.applied
      ? layers.failed
        ? `layer ${layers.failed.name} failed`
        : `applying revision ${desired.revision}`
      : progress.message;
  return [busy, waiting];
}

/** How the agent's last report stands against the published revision and the resolved stack. */
export function judgeLayers(
  status: ClusterStatus,
  scope: Pick<ClusterScope, 'desired' | 'stack'>,
): { applied: boolean; drifted: Layer[]; failed: Layer | undefined; reported: boolean; count: number } {
  const layers = status.layers ?? [];
  const inForce = (l: Layer) => l.state === 'Applied' || l.state === 'Drifted';
  const reported = scope.desired !== undefined && status.reportedRevision === scope.desired.revision;
  // Every layer of the stack must be reported Applied (or Drifted): a report of the revision that does not list its
  // layers yet (the agent just took the revision) is not "applied".
  const reportedInForce = new Set(layers.filter(inForce).map((l) => `${l.profile}/${l.name}`));
  const applied =
    reported &&
    layers.every(inForce) &&
    (scope.stack?.layers ?? []).every((l) => reportedInForce.has(`${l.profile.name}/${l.name}`));
  return {
    applied,
    drifted: layers.filter((l) => l.state === 'Drifted'),
    failed: layers.find((l) => l.state === 'Failed'),
    reported,
    count: layers.length,
  };
}

function infrastructureStatus(status: ClusterStatus, scope: ClusterScope): ClusterStatus {
  const p = scope.progress!;
  const { paused: _paused, ...s } = status;
  let next: ClusterStatus = {
    ...s,
    ...(scope.target ? { infrastructureName: scope.target.name } : {}),
    ...(p.endpoint ? { endpoint: p.endpoint } : {}),
    ...(p.kubernetesVersion ? { kubernetesVersion: p.kubernetesVersion } : {}),
    nodePools: p.nodePools.map((pool) => ({
      name: pool.name,
      desired: pool.desired,
      ready: pool.ready,
      ...(pool.version ? { version: pool.version } : {}),
    })),
  };
  const poolsReady = p.nodePools.every((pool) => pool.ready >= pool.desired);
  const inputs: ConditionInput[] = [
    { type: 'SpecValid', status: true, reason: 'Valid', message: 'the spec can be satisfied' },
    {
      type: 'InfrastructureReady',
      status: p.infrastructureReady,
      reason: p.infrastructureReady ? 'Provisioned' : 'Provisioning',
      message: p.message,
    },
    {
      type: 'ControlPlaneReady',
      status: p.controlPlaneReady,
      reason: p.controlPlaneReady ? 'Ready' : 'Starting',
      message: p.controlPlaneReady ? `API server at ${p.endpoint ?? '?'}` : p.message,
    },
    {
      type: 'NodePoolsReady',
      status: poolsReady,
      reason: poolsReady ? 'Ready' : 'Scaling',
      message: p.message,
    },
  ];
  for (const input of inputs) next = condition(next, scope, input);
  return next;
}

/** The provider's machines run nothing: no agent will connect and no layer applies; the conditions say so. */
function noWorkloadsStatus(status: ClusterStatus, scope: ClusterScope): ClusterStatus {
  const message = `provider ${scope.provider?.name ?? ''} simulates its machines: no agent runs and no layer is applied`;
  return (['AgentConnected', 'LayersApplied', 'NoDrift'] as const).reduce(
    (s, type) => condition(s, scope, { type, status: 'Unknown', reason: 'NoWorkloads', message }),
    status,
  );
}

function agentStatus(status: ClusterStatus, scope: ClusterScope): ClusterStatus {
  const agent = scope.agent!;
  const desired = scope.desired!;
  const { updatesAvailable: _updates, ...rest } = status;
  let s: ClusterStatus = {
    ...rest,
    desired: { revision: desired.revision, stackHash: desired.stackHash },
    ...(desired.updatesAvailable.length > 0 ? { updatesAvailable: [...desired.updatesAvailable] } : {}),
    agent: {
      connected: agent.connected,
      ...(agent.version ? { version: agent.version } : {}),
      ...(agent.lastSeen ? { lastSeen: agent.lastSeen } : {}),
    },
    ...(agent.connected ? {} : { health: 'Unknown' as const }),
    observedGeneration: scope.cluster.metadata.generation,
  };
  const layers = judgeLayers(status, scope);
  const { revision } = desired;
  s = condition(s, scope, {
    type: 'AgentConnected',
    status: agent.connected,
    reason: agent.connected
      ? 'Connected'
      : agent.lastSeen === undefined
        ? 'WaitingForAgent'
        : 'AgentDisconnected',
    message: agent.connected
      ? `agent ${agent.version ?? ''} reporting`.replace('  ', ' ')
      : agent.lastSeen === undefined
        ? agent.message
        : `no report since ${agent.lastSeen} (the agent keeps enforcing the last desired state)`,
  });
  s = condition(s, scope, {
    type: 'LayersApplied',
    status: layers.applied,
    reason: layers.applied
      ? 'Applied'
      : layers.failed
        ? 'LayerFailed'
        : layers.reported
          ? 'Applying'
          : 'WaitingForAgent',
    message: layers.applied
      ? `revision ${revision}: ${layers.count} layers applied`
      : layers.failed
        ? `layer ${layers.failed.name} failed: ${layers.failed.message ?? ''}`
        : `revision ${revision} not applied yet`,
  });
  const drifted = layers.drifted.length > 0;
  return condition(s, scope, {
    type: 'NoDrift',
    status: !drifted,
    reason: drifted ? 'Drifted' : 'InSync',
    message: drifted
      ? `drift in ${layers.drifted.map((l) => l.name).join(', ')}`
      : 'the cluster matches its desired state',
  });
}

/** The windows that apply, for display (`strata get cluster`, the rollout plan): open now, or when the next opens. */
function maintenanceStatus(status: ClusterStatus, scope: ClusterScope): ClusterStatus {
  const { maintenance: _old, ...s } = status;
  const m = scope.maintenance;
  if (!m) return s;
  return {
    ...s,
    maintenance: {
      open: m.state.open,
      source: m.source,
      ...(m.state.next ? { nextWindow: m.state.next.toISOString() } : {}),
      ...(m.state.closesAt ? { closesAt: m.state.closesAt.toISOString() } : {}),
    },
  };
}

function repaveStatus(status: ClusterStatus, repave: NonNullable<ClusterScope['repave']>): ClusterStatus {
  const { pendingRepave: _pending, ...s } = status;
  if (repave.state === 'None' || repave.state === 'Done') return s;
  return {
    ...s,
    pendingRepave: {
      id: repave.id,
      reason: repave.reason,
      pools: [...repave.pools],
      approved: repave.state === 'Starting',
      target: repave.target,
      ...(repave.approvedBy ? { approvedBy: repave.approvedBy } : {}),
      ...(repave.window ? { waitingForWindow: repave.window } : {}),
    },
  };
}

function condition(status: ClusterStatus, scope: ClusterScope, input: ConditionInput): ClusterStatus {
  const stamp = { generation: scope.cluster.metadata.generation, now: scope.now };
  return { ...status, conditions: setCondition(status.conditions, input, stamp, CLUSTER_CONDITIONS) };
}

/** Sets the phase and its message; leaving Failed clears the failure. */
function withPhase(status: ClusterStatus, phase: ClusterPhase, message: string): ClusterStatus {
  const { failure: _failure, ...rest } = status;
  return { ...(phase === 'Failed' ? status : rest), phase, message };
}

function failed(status: ClusterStatus, reason: string, message: string): ClusterStatus {
  return { ...withPhase(status, 'Failed', message), failure: { reason, message } };
}
