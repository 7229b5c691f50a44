/** The events a Rollout's transitions are worth (pure): phase changes, batches starting and ending, failed clusters. */
import type { RolloutStatus } from '@strata/api';

export interface RolloutEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

const PHASE_EVENTS: Record<string, { type: 'Normal' | 'Warning'; reason: string }> = {
  Progressing: { type: 'Normal', reason: 'Progressing' },
  Paused: { type: 'Normal', reason: 'Paused' },
  Halted: { type: 'Warning', reason: 'Halted' },
  Succeeded: { type: 'Normal', reason: 'Succeeded' },
  Aborted: { type: 'Warning', reason: 'Aborted' },
  RollingBack: { type: 'Warning', reason: 'RollingBack' },
  RolledBack: { type: 'Normal', reason: 'RolledBack' },
};

export function rolloutEvents(before: RolloutStatus, after: RolloutStatus): RolloutEvent[] {
  const events: RolloutEvent[] = [];
  if (!before.clusters && after.clusters) {
    const changing = after.clusters.filter((c) => c.state !== 'Skipped').length;
    const skipped = after.clusters.length - changing;
    events.push({
      type: 'Normal',
      reason: 'Started',
      message: `${changing} cluster(s) to change in ${after.batches?.length ?? 0} batch(es), ${skipped} skipped`,
    });
  }
  const was = new Map((before.batches ?? []).map((b) => [b.name, b]));
  for (const b of after.batches ?? []) {
    const p = was.get(b.name);
    if (b.state !== (p?.state ?? 'Waiting')) {
      if (b.state === 'Running')
        events.push({
          type: 'Normal',
          reason: 'BatchStarted',
          message: `${b.name}: ${b.clusters} cluster(s)`,
        });
      if (b.state === 'Succeeded')
        events.push({
          type: 'Normal',
          reason: 'BatchSucceeded',
          message: `${b.name} passed its health gate`,
        });
      if (b.state === 'Failed')
        events.push({ type: 'Warning', reason: 'BatchFailed', message: `${b.name} failed its health gate` });
    }
    const r = b.rollback?.state;
    if (r && r !== (p?.rollback?.state ?? 'Waiting')) {
      if (r === 'Running')
        events.push({
          type: 'Normal',
          reason: 'BatchRollbackStarted',
          message: `${b.name}: restoring the previous specs`,
        });
      if (r === 'Succeeded')
        events.push({ type: 'Normal', reason: 'BatchRolledBack', message: `${b.name} restored` });
      if (r === 'Failed')
        events.push({
          type: 'Warning',
          reason: 'BatchRollbackFailed',
          message: `${b.name}: some clusters did not come back healthy`,
        });
    }
  }
  const states = new Map((before.clusters ?? []).map((c) => [`${c.project}/${c.name}`, c.state]));
  for (const c of after.clusters ?? []) {
    const s = states.get(`${c.project}/${c.name}`);
    if ((c.state === 'Failed' || c.state === 'RollbackFailed') && s !== c.state) {
      events.push({
        type: 'Warning',
        reason: c.state === 'Failed' ? 'ClusterFailed' : 'ClusterRollbackFailed',
        message: `${c.name}: ${c.reason}: ${c.message ?? ''}`.trim(),
      });
    }
  }
  if (after.phase && after.phase !== before.phase && before.clusters) {
    const e = PHASE_EVENTS[after.phase];
    if (e) events.push({ ...e, message: after.message ?? after.phase });
  } else if (after.phase === 'Succeeded' && !before.clusters) {
    events.push({ type: 'Normal', reason: 'Succeeded', message: after.message ?? 'nothing to change' });
  }
  return events;
}
