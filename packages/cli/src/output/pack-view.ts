import type { PackSpec, Resource } from '@strata/api';
import { renderTable } from './table.js';

/** The label the server puts on packs from the built-in catalog. */
export const BUILTIN_LABEL = 'strata.dev/builtin';
const DESCRIPTION_WIDTH = 60;
const LABEL_WIDTH = 15;
const WRAP_WIDTH = 100;

type Pack = Resource & { spec: Partial<PackSpec> };

/** `pack list`: NAME, VERSION, LAYER, TYPE, BUILTIN, DESCRIPTION (one line, truncated). */
export function packTable(packs: readonly Resource[]): string {
  if (packs.length === 0) return '';
  const rows = (packs as readonly Pack[]).map((p) => [
    p.metadata.name,
    p.spec.version ?? '',
    p.spec.layer ?? '',
    p.spec.type ?? '',
    isBuiltin(p) ? 'yes' : 'no',
    truncate(oneLine(p.spec.description ?? ''), DESCRIPTION_WIDTH),
  ]);
  return renderTable({ headers: ['NAME', 'VERSION', 'LAYER', 'TYPE', 'BUILTIN', 'DESCRIPTION'], rows });
}

/** `pack show`: what a profile author needs to use the pack as a layer. */
export function describePack(object: Resource): string {
  const pack = object as Pack;
  const s = pack.spec;
  const lines = [
    field('Name', pack.metadata.name),
    field('Version', s.version ?? ''),
    ...(s.displayName ? [field('Display name', s.displayName)] : []),
    field('Layer', s.layer ?? ''),
    field('Type', s.type ?? ''),
    field('Built-in', isBuiltin(pack) ? 'yes' : 'no'),
    field('Providers', s.providers?.length ? s.providers.join(', ') : 'all'),
    ...(s.category ? [field('Category', s.category)] : []),
    ...(s.namespace ? [field('Namespace', s.namespace)] : []),
    ...(s.digest ? [field('Digest', s.digest)] : []),
    field('Description', wrap(oneLine(s.description ?? '') || '<none>', WRAP_WIDTH - LABEL_WIDTH)),
    'Constraints:',
    ...indent(constraintLines(s)),
    'Content:',
    ...indent(contentLines(s)),
    'Presets:',
    ...indent(presetLines(s)),
    'Default values:',
    ...indent(s.values?.trim() ? s.values.replace(/\n+$/, '').split('\n') : ['<none>']),
  ];
  return `${lines.join('\n')}\n`;
}

function constraintLines(s: Partial<PackSpec>): string[] {
  const c = s.constraints ?? {};
  const lines: string[] = [];
  if (c.kubernetes) lines.push(`kubernetes ${c.kubernetes}`);
  for (const key of ['requires', 'optional', 'conflicts'] as const) {
    for (const d of c[key] ?? [])
      lines.push(`${key} ${d.pack}${d.range ? ` ${d.range}` : ''}${d.reason ? ` (${d.reason})` : ''}`);
  }
  return lines.length ? lines : ['<none>'];
}

function contentLines(s: Partial<PackSpec>): string[] {
  if (s.chart) return [`chart ${s.chart.name} ${s.chart.version} from ${s.chart.repository}`];
  if (s.bundledChart) {
    const b = s.bundledChart;
    const form = b.archive ? 'packaged archive' : `${Object.keys(b.files ?? {}).length} files`;
    return [`bundled chart ${b.name} ${b.version} (${form})`];
  }
  if (s.manifests?.length) return s.manifests.map((m) => `manifest ${m.name}`);
  return ['<none> (informational layer)'];
}

function presetLines(s: Partial<PackSpec>): string[] {
  if (!s.presets?.length) return ['<none>'];
  const rows = s.presets.map((p) => [p.name, p.group ?? '', oneLine(p.description ?? p.displayName ?? '')]);
  return renderTable({ headers: ['NAME', 'GROUP', 'DESCRIPTION'], rows })
    .trimEnd()
    .split('\n');
}

function isBuiltin(object: Resource): boolean {
  return object.metadata.labels?.[BUILTIN_LABEL] === 'true';
}

function field(label: string, value: string): string {
  return `${`${label}:`.padEnd(LABEL_WIDTH)}${value}`;
}

function indent(lines: readonly string[]): string[] {
  return lines.map((l) => (l ? `  ${l}` : l));
}

/** Word-wraps to `width` columns; continuation lines line up with the field values. */
function wrap(text: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines.join(`\n${' '.repeat(LABEL_WIDTH)}`);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}
