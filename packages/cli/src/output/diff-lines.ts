import type { LayerFieldChange, ValueChange } from '@strata/api';

// Lines shared by the profile diff and the cluster plan.

/** `field: from -> to`. */
export function fieldLine(f: LayerFieldChange): string {
  return `${f.field}: ${showValue(f.from)} -> ${showValue(f.to)}`;
}

/** `+ /path: value`, `- /path: value` or `~ /path: from -> to` (the root path shows as `/`). */
export function valueLine(c: ValueChange): string {
  const path = c.path || '/';
  if (c.type === 'added') return `+ ${path}: ${showValue(c.to)}`;
  if (c.type === 'removed') return `- ${path}: ${showValue(c.from)}`;
  return `~ ${path}: ${showValue(c.from)} -> ${showValue(c.to)}`;
}

/** JSON, or `<none>` for a missing value. */
export function showValue(value: unknown): string {
  return value === undefined || value === null ? '<none>' : JSON.stringify(value);
}

/** The lines of a text (a unified diff), indented; trailing newlines dropped, blank lines kept blank. */
export function indentText(text: string, width: number): string[] {
  const pad = ' '.repeat(width);
  return text
    .replace(/\n+$/, '')
    .split('\n')
    .map((line) => (line ? `${pad}${line}` : line));
}
