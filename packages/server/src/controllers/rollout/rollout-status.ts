/**
 * The Rollout's decisions as pure functions of what one pass read: the first status (who is in, who is skipped and
 * why, the batches), the health gate of one cluster, which batch to start next, and the next status.
 */
import {
  HEALTH_CHECKS,
  type ClusterSpec,
  type ClusterStatus,
  type HealthCheck,
  type Resource,
  type RolloutBatchStatus,
  type RolloutClusterStatus,
  type RolloutPhase,
  type RolloutSpec,
  type RolloutStatus,
} from '@strata/api';
import { maskSealedVariables } from '../../clusters/sealed-variables.js';
import {
  applyChange,
  countOf,
  orderClusters,
  planBatches,
  samePart,
  specPart,
} from '../../fleet/rollout-change.js';
import { clusterId } from '../../fleet/selection.js';
import { setCondition } from '../conditions.js';

export const DEFAULT_GATE_TIMEOUT_SECONDS = 600;

/** Why a cluster selected at the start is not changed (reported in status, never silently left out). */
export function skipReason(
  cluster: Resource,
  spec: RolloutSpec,
  heldBy: string | undefined,
): { reason: string; message: string } | undefined {
  const s = cluster.spec as unknown as ClusterSpec;
  const st = cluster.status as ClusterStatus;
  if (heldBy) return { reason: 'InOtherRollout', message: `in rollout "${heldBy}"` };
  if (s.policy?.paused) return { reason: 'Paused', message: 'the cluster is paused (policy.paused)' };
  const agent = st.conditions?.find((c) => c.type === 'AgentConnected');
  if (agent && agent.status !== 'True') {
    return { reason: 'AgentDisconnected', message: `agent not connected: ${agent.message || agent.reason}` };
  }
  if (st.phase === 'Failed') {
    return { reason: 'ClusterFailed', message: `the cluster is Failed: ${st.failure?.message ?? ''}`.trim() };
  }
  const part = specPart(s);
  if (samePart(part, applyChange(part, spec.change))) {
    return { reason: 'AlreadyAtTarget', message: 'the cluster already has this change' };
  }
  return undefined;
}

/** The first status: every selected cluster, in order, with its batch or why it is skipped; the batches. */
export function startStatus(input: {
  spec: RolloutSpec;
  selected: readonly Resource[];
  held: ReadonlyMap<string, string>;
  now: Date;
}): Pick<RolloutStatus, 'clusters' | 'batches' | 'startedAt' | 'failures'> {
  const { spec, now } = input;
  const ordered = orderClusters(input.selected, spec.strategy?.order);
  const entries: RolloutClusterStatus[] = [];
  const change: { name: string; entry: RolloutClusterStatus }[] = [];
  for (const c of ordered) {
    const project = c.metadata.project ?? '';
    const skip = skipReason(c, spec, input.held.get(clusterId({ project, name: c.metadata.name })));
    const previous = specPart(maskSealedVariables(c.spec) as unknown as ClusterSpec);
    const entry: RolloutClusterStatus = skip
      ? { project, name: c.metadata.name, batch: -1, state: 'Skipped', ...skip }
      : { project, name: c.metadata.name, batch: 0, state: 'Waiting', previous };
    entries.push(entry);
    if (!skip) change.push({ name: c.metadata.name, entry });
  }
  const batches = planBatches(change, spec.strategy);
  batches.forEach((b, i) => b.members.forEach((m) => (m.entry.batch = i)));
  return {
    clusters: entries,
    batches: batches.map((b) => ({ name: b.name, state: 'Waiting' as const, clusters: b.members.length })),
    startedAt: now.toISOString(),
    failures: 0,
  };
}

export type GateVerdict = { verdict: 'pass' } | { verdict: 'wait' | 'fail'; reason: string; message: string };

/** Whether one changed cluster passes the gate: its status saw the change and every check holds. */
export function gate(
  cluster: Resource | undefined,
  generation: number | undefined,
  checks: readonly HealthCheck[] = HEALTH_CHECKS,
): GateVerdict {
  if (!cluster) return { verdict: 'fail', reason: 'ClusterDeleted', message: 'the cluster was deleted' };
  const st = cluster.status as ClusterStatus;
  if (generation !== undefined && (st.observedGeneration ?? 0) < generation) {
    return {
      verdict: 'wait',
      reason: 'NotObserved',
      message: 'the Cluster controller has not seen the change yet',
    };
  }
  if (st.phase === 'Failed') {
    return {
      verdict: 'fail',
      reason: 'ClusterFailed',
      message: st.failure?.message ?? 'the cluster is Failed',
    };
  }
  const broken = (st.layers ?? []).find((l) => l.state === 'Failed');
  if (broken && st.reportedRevision !== undefined && st.reportedRevision === st.desired?.revision) {
    return {
      verdict: 'fail',
      reason: 'LayerFailed',
      message: `layer ${broken.profile}/${broken.name} failed${broken.message ? `: ${broken.message}` : ''}`,
    };
  }
  if (st.pendingRepave?.waitingForWindow) {
    return {
      verdict: 'wait',
      reason: 'WaitingForWindow',
      message: `the repave waits for the maintenance window opening at ${st.pendingRepave.waitingForWindow}`,
    };
  }
  if (st.pendingRepave && !st.pendingRepave.approved) {
    return {
      verdict: 'wait',
      reason: 'RepaveAwaitingApproval',
      message: `repave ${st.pendingRepave.id} waits for approval (strata cluster approve-repave ${cluster.metadata.name})`,
    };
  }
  for (const check of checks) {
    if (check === 'Running') {
      if (st.phase !== 'Running')
        return { verdict: 'wait', reason: 'NotRunning', message: `phase ${st.phase ?? 'unknown'}` };
      continue;
    }
    const c = st.conditions?.find((x) => x.type === check);
    if (c?.status !== 'True') {
      return {
        verdict: 'wait',
        reason: check,
        message: `${check} is ${c ? `${c.status} (${c.reason}${c.message ? `: ${c.message}` : ''})` : 'unknown'}`,
      };
    }
  }
  return { verdict: 'pass' };
}

/** What a pass does to clusters: start changing a batch, or start restoring one. */
export type RolloutAction = { kind: 'start'; batch: number } | { kind: 'rollback'; batch: number };

export interface Decision {
  action?: RolloutAction;
  /** Nothing starts before then (the pause between batches). */
  waitUntil?: Date;
  /** Why no batch starts although one waits. */
  holding?: string;
}

const TOUCHED = new Set(['Updating', 'Succeeded', 'Failed']);

/** The clusters of a batch that the rollout changed (a rollback restores them). */
export function changedIn(status: RolloutStatus, batch: number): RolloutClusterStatus[] {
  return (status.clusters ?? []).filter(
    (c) => c.batch === batch && TOUCHED.has(c.state) && c.generation !== undefined,
  );
}

/** A batch whose rollback has not started although the rollout changed some of its clusters. */
function needsRollback(status: RolloutStatus, batch: number): boolean {
  const b = status.batches?.[batch];
  return !!b && b.state !== 'Waiting' && b.rollback === undefined && changedIn(status, batch).length > 0;
}

export function maxFailures(spec: RolloutSpec): number {
  return spec.strategy?.maxFailures ?? 0;
}

/** Which batch to start now, if any. */
export function decide(input: {
  spec: RolloutSpec;
  status: RolloutStatus;
  observed: ReadonlyMap<string, Resource | undefined>;
  now: Date;
}): Decision {
  const { spec, status, now } = input;
  const batches = status.batches ?? [];
  if (!status.clusters || spec.aborted) return {};
  if (spec.rollback) {
    for (let i = 0; i < batches.length; i++) {
      const r = batches[i]!.rollback?.state;
      if (r === 'Running') return {};
      if (needsRollback(status, i)) return { action: { kind: 'rollback', batch: i } };
    }
    return {};
  }
  if (spec.paused || (status.failures ?? 0) > maxFailures(spec)) return {};
  // A batch that failed its gate is done too: raising maxFailures after a halt goes on with the next.
  if (batches.some((b) => b.state === 'Running')) return {};
  const next = batches.findIndex((b) => b.state === 'Waiting');
  if (next < 0) return {};
  const finished = next > 0 ? batches[next - 1]!.finishedAt : undefined;
  const pause = (spec.strategy?.pauseSeconds ?? 0) * 1000;
  if (finished && pause > 0 && Date.parse(finished) + pause > now.getTime()) {
    return {
      waitUntil: new Date(Date.parse(finished) + pause),
      holding: `pause between batches until ${new Date(Date.parse(finished) + pause).toISOString()}`,
    };
  }
  const limit = spec.strategy?.maxUnavailable;
  if (limit !== undefined) {
    const changing = (status.clusters ?? []).filter((c) => c.state !== 'Skipped');
    const allowed = countOf(limit, changing.length, changing.length);
    const checks = spec.strategy?.healthGate?.checks;
    const unavailable = changing.filter(
      (c) =>
        c.state !== 'Waiting' && gate(input.observed.get(clusterId(c)), undefined, checks).verdict !== 'pass',
    ).length;
    if (unavailable >= allowed) {
      return { holding: `${unavailable} clusters unavailable (maxUnavailable ${String(limit)})` };
    }
  }
  return { action: { kind: 'start', batch: next } };
}

/** The outcome of the rollout's write to one cluster. */
export type WriteOutcome = { generation: number } | { reason: string; message: string };

export interface SummaryInput {
  spec: RolloutSpec;
  generation: number;
  before: RolloutStatus;
  /** The first status, on the pass that takes the snapshot. */
  start?: Pick<RolloutStatus, 'clusters' | 'batches' | 'startedAt' | 'failures'>;
  decision: Decision;
  /** By cluster id: what writing the action's batch did. */
  written: ReadonlyMap<string, WriteOutcome>;
  observed: ReadonlyMap<string, Resource | undefined>;
  now: Date;
}

/** The next status. */
export function summariseRollout(input: SummaryInput): RolloutStatus {
  const { spec, now, decision } = input;
  const status: RolloutStatus = structuredClone({ ...input.before, ...(input.start ?? {}) });
  const clusters = status.clusters ?? [];
  const batches = status.batches ?? [];
  const iso = now.toISOString();
  const timeout = (spec.strategy?.healthGate?.timeoutSeconds ?? DEFAULT_GATE_TIMEOUT_SECONDS) * 1000;
  const deadline = new Date(now.getTime() + timeout).toISOString();
  const checks = spec.strategy?.healthGate?.checks;
  const action = decision.action;
  if (action?.kind === 'start') {
    const b = batches[action.batch]!;
    Object.assign(b, { state: 'Running', startedAt: iso, deadline });
    for (const c of clusters.filter((x) => x.batch === action.batch && x.state === 'Waiting')) {
      record(c, input.written.get(clusterId(c)), 'Updating', 'Failed');
    }
  }
  if (action?.kind === 'rollback') {
    const b = batches[action.batch]!;
    b.rollback = { state: 'Running', startedAt: iso, deadline };
    for (const c of changedIn(status, action.batch))
      record(c, input.written.get(clusterId(c)), 'RollingBack', 'RollbackFailed');
  }
  batches.forEach((b, i) => {
    const members = clusters.filter((c) => c.batch === i);
    if (b.state === 'Running') {
      for (const c of members.filter((x) => x.state === 'Updating')) {
        judge(
          c,
          gate(input.observed.get(clusterId(c)), c.generation, checks),
          b.deadline,
          now,
          'Succeeded',
          'Failed',
        );
      }
    }
    if (b.rollback?.state === 'Running') {
      for (const c of members.filter((x) => x.state === 'RollingBack')) {
        judge(
          c,
          gate(input.observed.get(clusterId(c)), c.generation, checks),
          b.rollback.deadline,
          now,
          'RolledBack',
          'RollbackFailed',
        );
      }
      if (!members.some((c) => c.state === 'RollingBack')) {
        b.rollback.state = members.some((c) => c.state === 'RollbackFailed') ? 'Failed' : 'Succeeded';
        b.rollback.finishedAt = iso;
      }
    }
  });
  status.failures = clusters.filter((c) => c.state === 'Failed').length;
  const halted = status.failures > maxFailures(spec);
  batches.forEach((b, i) => {
    if (b.state !== 'Running') return;
    const members = clusters.filter((c) => c.batch === i);
    if (members.some((c) => c.state === 'Updating')) return;
    b.state = halted && members.some((c) => c.state === 'Failed') ? 'Failed' : 'Succeeded';
    b.finishedAt = iso;
  });
  const phase = phaseOf(spec, status, halted);
  const finished = phase === 'Succeeded' || phase === 'Aborted' || phase === 'RolledBack';
  return {
    ...status,
    observedGeneration: input.generation,
    phase,
    message: messageOf(phase, status, decision, halted),
    conditions: setCondition(
      status.conditions,
      {
        type: 'Progressing',
        status: phase === 'Progressing' || phase === 'RollingBack',
        reason: halted && phase === 'Halted' ? 'FailureThreshold' : phase,
        message: messageOf(phase, status, decision, halted),
      },
      { generation: input.generation, now },
    ),
    ...(finished ? { finishedAt: status.finishedAt ?? iso } : {}),
  };
}

function record(
  c: RolloutClusterStatus,
  outcome: WriteOutcome | undefined,
  ok: RolloutClusterStatus['state'],
  failed: RolloutClusterStatus['state'],
): void {
  delete c.reason;
  delete c.message;
  if (outcome && 'generation' in outcome) {
    c.state = ok;
    c.generation = outcome.generation;
  } else {
    c.state = failed;
    c.reason = outcome?.reason ?? 'NotWritten';
    c.message = outcome?.message ?? 'the change was not written';
  }
}

function judge(
  c: RolloutClusterStatus,
  v: GateVerdict,
  deadline: string | undefined,
  now: Date,
  pass: RolloutClusterStatus['state'],
  fail: RolloutClusterStatus['state'],
): void {
  if (v.verdict === 'pass') {
    c.state = pass;
    delete c.reason;
    delete c.message;
    return;
  }
  if (v.verdict === 'fail') {
    Object.assign(c, { state: fail, reason: v.reason, message: v.message });
    return;
  }
  // Waiting for a maintenance window is not a failure to become healthy: the gate's timeout does not run out on it.
  if (deadline && now.getTime() >= Date.parse(deadline) && v.reason !== 'WaitingForWindow') {
    Object.assign(c, {
      state: fail,
      reason: 'GateTimeout',
      message: `not healthy by ${deadline}: ${v.message}`,
    });
    return;
  }
  Object.assign(c, { reason: v.reason, message: v.message });
}

function phaseOf(spec: RolloutSpec, status: RolloutStatus, halted: boolean): RolloutPhase {
  const batches: RolloutBatchStatus[] = status.batches ?? [];
  if (!status.clusters) return 'Pending';
  if (spec.aborted) return 'Aborted';
  if (spec.rollback) {
    const pending = batches.some((b, i) => b.rollback?.state === 'Running' || needsRollback(status, i));
    return pending ? 'RollingBack' : 'RolledBack';
  }
  if (halted) return 'Halted';
  if (batches.every((b) => b.state === 'Succeeded' || b.state === 'Failed')) return 'Succeeded';
  if (spec.paused) return 'Paused';
  return 'Progressing';
}

function messageOf(phase: RolloutPhase, status: RolloutStatus, decision: Decision, halted: boolean): string {
  const clusters = status.clusters ?? [];
  const count = (state: string) => clusters.filter((c) => c.state === state).length;
  const failed = clusters.filter((c) => c.state === 'Failed' || c.state === 'RollbackFailed');
  const why = failed
    .slice(0, 3)
    .map((c) => `${c.name}: ${c.reason}${c.message ? ` (${c.message})` : ''}`)
    .join('; ');
  const running = (status.batches ?? []).find((b) => b.state === 'Running');
  switch (phase) {
    case 'Pending':
      return 'selecting clusters';
    case 'Halted':
      return `halted: ${failed.length} cluster(s) failed${halted ? ' (more than maxFailures)' : ''}: ${why}`;
    case 'Succeeded':
      return `${count('Succeeded')} cluster(s) changed, ${count('Skipped')} skipped`;
    case 'Aborted':
      return `aborted: ${count('Succeeded') + count('Updating')} cluster(s) changed, ${count('Waiting')} left as they were`;
    case 'RolledBack':
      return `rolled back ${count('RolledBack')} cluster(s)${failed.length ? `; ${why}` : ''}`;
    case 'RollingBack':
      return `rolling back: ${count('RolledBack')} restored, ${count('RollingBack')} in progress`;
    case 'Paused':
      return `paused: ${count('Succeeded')} cluster(s) changed, ${count('Waiting')} waiting`;
    default:
      if (running)
        return `${running.name}: ${clusters.filter((c) => c.state === 'Updating').length} cluster(s) waiting for the health gate`;
      return decision.holding ?? `${count('Succeeded')} changed, ${count('Waiting')} waiting`;
  }
}
