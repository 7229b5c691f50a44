/**
 * The PackSource's status as pure functions of what one pass read: the Ready condition, the charts (the last good
 * list stays when a read fails), and the event a Ready change is worth.
 */
import type { PackSourceChart, PackSourceStatus, Resource } from '@strata/api';
import type { PackSourceCondition } from '../../packs/helm-index.js';
import { findCondition, setCondition } from '../conditions.js';

/** What one pass over a PackSource observed. */
export interface PackSourceScope {
  /** The PackSource as fetched at the start of the pass. */
  readonly source: Resource;
  /** Its status as read. */
  readonly before: PackSourceStatus;
  /** Time of this pass, from the reconcile context's clock. */
  readonly now: Date;
  /** Set by the read phase: the Ready condition the read gives, and the charts when it succeeded. */
  read?: { readonly condition: PackSourceCondition; readonly charts?: readonly PackSourceChart[] };
  /** Set by summarise: the status to write. */
  status?: PackSourceStatus;
}

export function summarisePackSource(scope: PackSourceScope): PackSourceStatus {
  const { before, read, source } = scope;
  if (!read) return before;
  const stamp = { generation: source.metadata.generation, now: scope.now };
  const { type, status, reason, message } = read.condition;
  return {
    ...before,
    observedGeneration: source.metadata.generation,
    lastFetchedAt: scope.now.toISOString(),
    conditions: setCondition(before.conditions, { type, status: status === 'True', reason, message }, stamp, [
      'Ready',
    ]),
    charts: read.charts ? [...read.charts] : (before.charts ?? []),
  };
}

/** An event when Ready changes (its value or its reason): Normal when it reads, Warning when it does not. */
export function packSourceEvents(
  before: PackSourceStatus,
  after: PackSourceStatus,
): { type: 'Normal' | 'Warning'; reason: string; message: string }[] {
  const was = findCondition(before.conditions, 'Ready');
  const now = findCondition(after.conditions, 'Ready');
  if (!now || (was?.status === now.status && was.reason === now.reason)) return [];
  return [{ type: now.status === 'True' ? 'Normal' : 'Warning', reason: now.reason, message: now.message }];
}
