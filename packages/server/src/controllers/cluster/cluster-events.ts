/**
 * The events a Cluster's status change is worth (pure): one per transition, none for a pass that changes nothing.
 */
import {
  CLUSTER_CONDITIONS,
  type ClusterConditionType,
  type ClusterStatus,
  type Condition,
} from '@strata/api';
import { findCondition } from '../conditions.js';
import type { ClusterEvent } from './cluster-scope.js';

/** Reasons that mean something is wrong: turning to one is a Warning event, leaving one for True a Normal one. */
const PROBLEM_REASONS: ReadonlySet<string> = new Set([
  'ProviderError',
  'ProviderRefused',
  'AgentDisconnected',
]);

/**
 * The events a status change is worth (one per transition, not per pass): a new phase; a condition turning to a
 * problem, or back to True from one (and the agent connecting); a repave that starts waiting for approval, or starts.
 */
export function transitionEvents(
  before: ClusterStatus,
  after: ClusterStatus,
  clusterName: string,
): ClusterEvent[] {
  const events: ClusterEvent[] = [];
  if (after.phase && after.phase !== before.phase) {
    const failedNow = after.phase === 'Failed';
    events.push({
      type: failedNow ? 'Warning' : 'Normal',
      reason: failedNow ? (after.failure?.reason ?? 'Failed') : after.phase,
      message: after.message ?? '',
    });
  }
  for (const type of CLUSTER_CONDITIONS) {
    const event = conditionEvent(
      type,
      findCondition(before.conditions, type),
      findCondition(after.conditions, type),
    );
    if (event) events.push(event);
  }
  const pending = after.pendingRepave;
  const was = before.pendingRepave?.id === pending?.id ? before.pendingRepave : undefined;
  if (pending && !pending.approved && !was) {
    events.push({
      type: 'Normal',
      reason: 'RepavePending',
      message: `${pending.reason}: pools ${pending.pools.join(', ')} need new nodes; approve with: strata cluster approve-repave ${clusterName}`,
    });
  }
  if (pending?.approved && !was?.approved) {
    events.push({
      type: 'Normal',
      reason: 'RepaveStarted',
      message: `repaving pools ${pending.pools.join(', ')}`,
    });
  }
  const seen = new Set<string>();
  return events.filter(
    (e) => !seen.has(`${e.reason}\n${e.message}`) && seen.add(`${e.reason}\n${e.message}`),
  );
}

function conditionEvent(
  type: ClusterConditionType,
  before: Condition | undefined,
  after: Condition | undefined,
): ClusterEvent | undefined {
  if (!after || (before?.status === after.status && before.reason === after.reason)) return undefined;
  if (PROBLEM_REASONS.has(after.reason))
    return { type: 'Warning', reason: after.reason, message: after.message };
  const recovered = before !== undefined && before.status !== 'True' && PROBLEM_REASONS.has(before.reason);
  if (after.status === 'True' && (recovered || (type === 'AgentConnected' && before?.status !== 'True'))) {
    return { type: 'Normal', reason: type, message: after.message };
  }
  return undefined;
}
