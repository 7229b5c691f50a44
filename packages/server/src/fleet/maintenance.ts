/**
 * Maintenance windows (pure, time from the caller): whether disruptive changes may run now, when the next window
 * opens, and which windows apply to a cluster (its own, else the first group with windows it belongs to). Local
 * times and daylight saving come from luxon over the IANA time zone database.
 */
import {
  WEEKDAYS,
  type Issue,
  type Maintenance,
  type MaintenanceBlackout,
  type MaintenanceWindow,
  type Resource,
} from '@strata/api';
import { listAll, matchesLabelSelector, parseLabelSelector, type ResourceRepository } from '@strata/store';
import { DateTime, IANAZone } from 'luxon';

export interface WindowState {
  open: boolean;
  /** The next opening after now (absent while open, or when none opens within a year). */
  next?: Date;
  /** When the open window closes. */
  closesAt?: Date;
}

/** How far ahead windows are looked for: a year and a week (a weekly window behind a long blackout). */
const HORIZON_DAYS = 373;

interface Span {
  start: number;
  end: number;
}

function windowSpans(w: MaintenanceWindow, from: number, days: number): Span[] {
  const [sh, sm] = w.start.split(':').map(Number) as [number, number];
  const [eh, em] = w.end.split(':').map(Number) as [number, number];
  const overnight = eh * 60 + em <= sh * 60 + sm;
  const first = DateTime.fromMillis(from, { zone: w.timeZone }).startOf('day').minus({ days: 1 });
  const spans: Span[] = [];
  for (let d = 0; d <= days + 1; d++) {
    const day = first.plus({ days: d });
    if (!w.days.includes(WEEKDAYS[day.weekday - 1]!)) continue;
    const start = day.set({ hour: sh, minute: sm });
    const end = (overnight ? day.plus({ days: 1 }) : day).set({ hour: eh, minute: em });
    spans.push({ start: start.toMillis(), end: end.toMillis() });
  }
  return spans;
}

function blackoutSpan(b: MaintenanceBlackout): Span {
  const zone = b.timeZone ?? 'UTC';
  return {
    start: DateTime.fromISO(b.from, { zone }).startOf('day').toMillis(),
    end: DateTime.fromISO(b.to, { zone }).plus({ days: 1 }).startOf('day').toMillis(),
  };
}

/** The window parts not covered by a blackout, merged and in order. */
function openSpans(m: Maintenance, from: number, days: number): Span[] {
  let spans = m.windows.flatMap((w) => windowSpans(w, from, days)).sort((a, b) => a.start - b.start);
  for (const b of (m.blackouts ?? []).map(blackoutSpan)) {
    spans = spans.flatMap((s) => {
      if (b.end <= s.start || b.start >= s.end) return [s];
      return [
        ...(b.start > s.start ? [{ start: s.start, end: b.start }] : []),
        ...(b.end < s.end ? [{ start: b.end, end: s.end }] : []),
      ];
    });
  }
  const merged: Span[] = [];
  for (const s of spans.sort((a, b) => a.start - b.start)) {
    const last = merged[merged.length - 1];
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else merged.push({ ...s });
  }
  return merged;
}

export function windowState(m: Maintenance, now: Date): WindowState {
  const t = now.getTime();
  const spans = openSpans(m, t, HORIZON_DAYS);
  const current = spans.find((s) => s.start <= t && t < s.end);
  if (current) return { open: true, closesAt: new Date(current.end) };
  const next = spans.find((s) => s.start > t);
  return { open: false, ...(next ? { next: new Date(next.start) } : {}) };
}

/** Problems with windows: unknown time zones, empty windows, blackouts that end before they start, none in a year. */
export function maintenanceIssues(m: Maintenance, path: string, now: Date): Issue[] {
  const issues: Issue[] = [];
  const zone = (z: string, at: string) => {
    if (!IANAZone.isValidZone(z))
      issues.push({ path: at, message: `unknown time zone "${z}" (use an IANA name such as Europe/Berlin)` });
  };
  m.windows.forEach((w, i) => {
    zone(w.timeZone, `${path}/windows/${i}/timeZone`);
    if (w.start === w.end)
      issues.push({ path: `${path}/windows/${i}/end`, message: 'a window must not end when it starts' });
  });
  (m.blackouts ?? []).forEach((b, i) => {
    if (b.timeZone) zone(b.timeZone, `${path}/blackouts/${i}/timeZone`);
    if (!DateTime.fromISO(b.from).isValid)
      issues.push({ path: `${path}/blackouts/${i}/from`, message: `not a date: ${b.from}` });
    if (!DateTime.fromISO(b.to).isValid)
      issues.push({ path: `${path}/blackouts/${i}/to`, message: `not a date: ${b.to}` });
    if (b.to < b.from)
      issues.push({
        path: `${path}/blackouts/${i}/to`,
        message: `ends (${b.to}) before it starts (${b.from})`,
      });
  });
  if (issues.length > 0) return issues;
  const state = windowState(m, now);
  if (!state.open && !state.next) {
    issues.push({ path, message: 'no window opens within a year: the blackouts cover every window' });
  }
  return issues;
}

export interface EffectiveMaintenance {
  maintenance: Maintenance;
  /** `cluster`, `group/PROJECT/NAME`, or `group//NAME` for a tenant group. */
  source: string;
}

/** A scope's ClusterGroups that carry windows, by name: how `maintenanceFor` finds a cluster's group. */
export async function maintenanceGroups(
  store: ResourceRepository,
  tenant: string,
  project: string,
): Promise<Resource[]> {
  const groups = await listAll(store, { tenant, projects: '*' }, { kind: 'ClusterGroup', project });
  return groups
    .filter((g) => !g.metadata.deletedAt && (g.spec as { maintenance?: unknown }).maintenance)
    .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
}

/** The windows that apply to a cluster: its own, else those of the first group (project, then tenant; by name). */
export async function effectiveMaintenance(
  store: ResourceRepository,
  cluster: Resource,
  groups: (tenant: string, project: string) => Promise<Resource[]> = (t, p) => maintenanceGroups(store, t, p),
): Promise<EffectiveMaintenance | undefined> {
  const own = (cluster.spec as { maintenance?: Maintenance }).maintenance;
  if (own) return { maintenance: own, source: 'cluster' };
  const tenant = cluster.metadata.tenant;
  const project = cluster.metadata.project ?? '';
  for (const scope of [project, '']) {
    for (const g of await groups(tenant, scope)) {
      const spec = g.spec as { selector: string; projects?: string[]; maintenance: Maintenance };
      if (scope === '' && spec.projects && !spec.projects.includes(project)) continue;
      if (matchesLabelSelector(cluster.metadata.labels, parseLabelSelector(spec.selector))) {
        return { maintenance: spec.maintenance, source: `group/${scope}/${g.metadata.name}` };
      }
    }
  }
  return undefined;
}
