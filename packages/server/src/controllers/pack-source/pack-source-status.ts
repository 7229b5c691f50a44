/**
 * The PackSource's status as pure functions of what one pass read: the Ready condition, the charts (the last good
 * list stays when a read fails), and the event a Ready change is worth.
 */
import type { PackSourceStatus } from '@strata/api';
import { findCondition, setCondition } from '../conditions.js';
import type { PackSourceScope } from './pack-source-scope.js';

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
