import type { ProfileDiff, ProfileLayerChange as LayerChange } from '@strata/api';
import { fieldLine, indentText, valueLine } from './diff-lines.js';
import { toJson, toYaml } from './format.js';

export type { ProfileDiff };

export const DIFF_FORMATS = ['text', 'json', 'yaml'] as const;
export type DiffFormat = (typeof DIFF_FORMATS)[number];

export function formatProfileDiff(diff: ProfileDiff, format: DiffFormat): string {
  if (format === 'json') return toJson(diff);
  if (format === 'yaml') return toYaml(diff);
  return profileDiffText(diff);
}

/**
 * A readable diff: one line per added (+), removed (-), moved (>) and changed (~) layer, with the changed fields,
 * values and manifest of each changed layer below it; then variables and profile fields. Positions are 1-based.
 */
export function profileDiffText(diff: ProfileDiff): string {
  const lines = [`clusterprofile/${diff.from.name} ${diff.from.version} -> ${diff.to.version}`];
  if (diff.unchanged) return `${lines[0]}: no differences besides the version\n`;
  const layerCount = diff.added.length + diff.removed.length + diff.reordered.length + diff.changed.length;
  if (layerCount > 0) {
    lines.push('Layers:');
    for (const l of diff.added) lines.push(`  + ${l.name} (added at position ${l.index + 1})`);
    for (const l of diff.removed) lines.push(`  - ${l.name} (removed from position ${l.index + 1})`);
    for (const l of diff.reordered)
      lines.push(`  > ${l.name} (moved from position ${l.from + 1} to ${l.to + 1})`);
    for (const l of diff.changed) lines.push(...layerLines(l));
  }
  const v = diff.variables;
  if (v.added.length + v.removed.length + v.changed.length > 0) {
    lines.push('Variables:');
    for (const name of v.added) lines.push(`  + ${name}`);
    for (const name of v.removed) lines.push(`  - ${name}`);
    for (const c of v.changed) lines.push(`  ~ ${c.name} (${c.fields.join(', ')})`);
  }
  if (diff.fields.length > 0) {
    lines.push('Profile:');
    for (const f of diff.fields) lines.push(`  ~ ${fieldLine(f)}`);
  }
  return `${lines.join('\n')}\n`;
}

function layerLines(change: LayerChange): string[] {
  const lines = [`  ~ ${change.name} (changed)`];
  for (const f of change.fields) lines.push(`      ${fieldLine(f)}`);
  if (change.values) {
    lines.push('      values:');
    // Structured changes read best; the text diff covers what they cannot show (templates, comments, whitespace).
    if (change.values.changes.length > 0)
      lines.push(...change.values.changes.map((c) => `        ${valueLine(c)}`));
    else lines.push(...indentText(change.values.text, 8));
  }
  if (change.manifest) lines.push('      manifest:', ...indentText(change.manifest, 8));
  return lines;
}
