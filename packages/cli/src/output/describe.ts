import type { Condition, Resource } from '@strata/api';
import { formatAge } from './age.js';
import { toYaml } from './format.js';
import { renderTable } from './table.js';

const LABEL_WIDTH = 18;

/** A readable, kubectl-describe-like view: metadata, spec as YAML, status, then a conditions table. */
export function describeObject(object: Resource, now: Date): string {
  const m = object.metadata;
  const version = (object.spec as { version?: unknown } | undefined)?.version;
  const lines: string[] = [
    field('Name', m.name),
    field('Kind', object.kind),
    ...(typeof version === 'string' ? [field('Version', version)] : []),
    ...(m.project ? [field('Project', m.project)] : []),
    ...(m.tenant ? [field('Tenant', m.tenant)] : []),
    field('Labels', pairs(m.labels)),
    field('Annotations', pairs(m.annotations)),
    field('UID', m.uid ?? ''),
    field('Resource Version', m.resourceVersion ?? ''),
    field('Generation', String(m.generation ?? '')),
    field('Created', m.createdAt ? `${m.createdAt} (${formatAge(m.createdAt, now)} ago)` : '<unknown>'),
  ];
  if (m.deletedAt) lines.push(field('Deleting Since', `${m.deletedAt} (${formatAge(m.deletedAt, now)} ago)`));
  if (m.finalizers?.length) lines.push(field('Finalizers', m.finalizers.join(', ')));
  lines.push('Spec:', indent(blockYaml(object.spec)));
  const { conditions, ...status } = object.status ?? {};
  lines.push('Status:', indent(blockYaml(status)));
  lines.push('Conditions:', indent(conditionsTable(conditions ?? [], now)));
  return `${lines.join('\n')}\n`;
}

export function field(label: string, value: string): string {
  return `${`${label}:`.padEnd(LABEL_WIDTH)}${value}`;
}

function pairs(record: Record<string, string> | undefined): string {
  const entries = Object.entries(record ?? {});
  if (entries.length === 0) return '<none>';
  return entries.map(([k, v]) => `${k}=${v}`).join('\n' + ' '.repeat(LABEL_WIDTH));
}

function blockYaml(value: unknown): string {
  if (value === undefined || value === null) return '<none>';
  if (typeof value === 'object' && Object.keys(value).length === 0) return '<none>';
  return toYaml(value).trimEnd();
}

export function conditionsTable(conditions: readonly Condition[], now: Date): string {
  if (conditions.length === 0) return '<none>';
  const rows = conditions.map((c) => [
    c.type,
    c.status,
    c.reason ?? '',
    formatAge(c.lastTransitionTime, now),
    c.message ?? '',
  ]);
  return renderTable({ headers: ['TYPE', 'STATUS', 'REASON', 'AGE', 'MESSAGE'], rows }).trimEnd();
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => (line ? `  ${line}` : line))
    .join('\n');
}
