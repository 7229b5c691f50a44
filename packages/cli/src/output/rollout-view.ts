/** Text views of fleet operations: a rollout's plan (grouped by outcome) and its progress (a bar per batch). */
import type { FleetUpdate, GroupMember, RolloutPlan, RolloutPlanCluster, RolloutStatus } from '@strata/api';
import { renderTable } from './table.js';

const BAR = 20;

/** `[#####.....]` for done of total. */
export function progressBar(done: number, total: number): string {
  const filled = total === 0 ? BAR : Math.round((done / total) * BAR);
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR - filled)}]`;
}

const where = (c: { project: string; name: string }) => (c.project ? `${c.project}/${c.name}` : c.name);

function changeLine(c: RolloutPlanCluster, batches: RolloutPlan['batches']): string {
  const parts: string[] = [];
  const l = c.layers;
  if (l) {
    for (const x of l.added) parts.push(`+${x}`);
    for (const x of l.removed) parts.push(`-${x}`);
    for (const x of l.changed) parts.push(`~${x}`);
  }
  if (c.kubernetesVersion)
    parts.push(`kubernetes ${c.kubernetesVersion.from ?? '?'} -> ${c.kubernetesVersion.to ?? '?'}`);
  if (c.repave?.length)
    parts.push(`repave ${c.repave.join(', ')}${c.approvalRequired ? ' (needs approval)' : ''}`);
  if (c.window && !c.window.open)
    parts.push(
      `waits for the maintenance window (${c.window.next ? `opens ${c.window.next}` : 'none within a year'})`,
    );
  return `  ${where(c)} [${batches[c.batch]?.name ?? '-'}]: ${parts.join(', ') || 'spec only (no layer changes)'}`;
}

export function rolloutPlanText(plan: RolloutPlan): string {
  const lines: string[] = [];
  const { change, skip, blocked } = plan.summary;
  lines.push(`Rollout plan: ${change} to change, ${skip} skipped, ${blocked} blocked`);
  lines.push('Batches:');
  for (const b of plan.batches) lines.push(`  ${b.name}: ${b.clusters} cluster(s)`);
  const group = (outcome: RolloutPlanCluster['outcome']) =>
    plan.clusters.filter((c) => c.outcome === outcome);
  if (change > 0) {
    lines.push('Would change:');
    for (const c of group('change')) lines.push(changeLine(c, plan.batches));
  }
  if (blocked > 0) {
    lines.push('Blocked (the rollout would fail them, and halt):');
    for (const c of group('blocked'))
      lines.push(`  ${where(c)} [${plan.batches[c.batch]?.name ?? '-'}]: ${c.message ?? c.reason ?? ''}`);
  }
  if (skip > 0) {
    lines.push('Skipped:');
    for (const c of group('skip'))
      lines.push(`  ${where(c)}: ${c.reason ?? ''}${c.message ? ` (${c.message})` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The rollout's phase, a bar per batch (clusters that passed / all), and the failing clusters with why. */
export function rolloutStatusText(name: string, status: RolloutStatus): string {
  const lines = [
    `rollout/${name}: ${status.phase ?? 'Pending'}${status.message ? ` (${status.message})` : ''}`,
  ];
  const clusters = status.clusters ?? [];
  (status.batches ?? []).forEach((b, i) => {
    const members = clusters.filter((c) => c.batch === i);
    const passed = members.filter((c) => c.state === 'Succeeded' || c.state === 'RolledBack').length;
    const failed = members.filter((c) => c.state === 'Failed' || c.state === 'RollbackFailed').length;
    const state = b.rollback ? `${b.state}, rollback ${b.rollback.state}` : b.state;
    lines.push(
      `  ${b.name.padEnd(10)} ${progressBar(passed, members.length)} ${passed}/${members.length} ${state}${failed ? `, ${failed} failed` : ''}`,
    );
  });
  const failing = clusters.filter((c) => c.state === 'Failed' || c.state === 'RollbackFailed');
  if (failing.length > 0) {
    lines.push('Failed:');
    for (const c of failing)
      lines.push(`  ${where(c)}: ${c.reason ?? ''}${c.message ? `: ${c.message}` : ''}`);
  }
  const waiting = clusters.filter((c) => (c.state === 'Updating' || c.state === 'RollingBack') && c.reason);
  if (waiting.length > 0) {
    lines.push('Waiting for the gate:');
    for (const c of waiting.slice(0, 10))
      lines.push(`  ${where(c)}: ${c.reason}${c.message ? `: ${c.message}` : ''}`);
    if (waiting.length > 10) lines.push(`  ... and ${waiting.length - 10} more`);
  }
  const skipped = clusters.filter((c) => c.state === 'Skipped');
  if (skipped.length > 0) {
    lines.push('Skipped:');
    for (const c of skipped) lines.push(`  ${where(c)}: ${c.reason ?? ''}`);
  }
  return `${lines.join('\n')}\n`;
}

export function membersTable(items: readonly GroupMember[]): string {
  return renderTable({
    headers: ['PROJECT', 'NAME', 'PHASE', 'HEALTH'],
    rows: items.map((m) => [m.project, m.name, m.phase ?? '', m.health ?? '']),
  });
}

export function updatesTable(items: readonly FleetUpdate[]): string {
  return renderTable({
    headers: ['PROFILE', 'FROM', 'TO', 'CLUSTERS', 'EXAMPLES'],
    rows: items.map((u) => [
      u.profile,
      u.from,
      u.to,
      String(u.count),
      u.clusters
        .slice(0, 3)
        .map((c) => `${c.project}/${c.name}`)
        .join(', ') + (u.count > 3 ? ', ...' : ''),
    ]),
  });
}
