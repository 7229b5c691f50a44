import { StrataError } from '@strata/api';
import type { LabelRequirement } from './types.js';

const KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
const PATH = '/labelSelector';

/**
 * Parses a kubectl-style label selector: `env=prod,tier!=web,region in (a,b),zone notin (x),team,!legacy`.
 * `==` is the same as `=`. Throws STRATA_BAD_REQUEST (path /labelSelector) on bad syntax.
 */
export function parseLabelSelector(text: string): LabelRequirement[] {
  if (text.trim() === '') return [];
  return splitTopLevel(text).map(parseRequirement);
}

/** Whether a set of labels matches every requirement (the same semantics the store applies in SQL). */
export function matchesLabelSelector(
  labels: Record<string, string>,
  requirements: readonly LabelRequirement[],
): boolean {
  return requirements.every((r) => {
    const has = Object.hasOwn(labels, r.key);
    const value = labels[r.key];
    switch (r.op) {
      case '=':
        return has && value === r.value;
      case '!=':
        return !has || value !== r.value;
      case 'in':
        return has && r.values.includes(value ?? '');
      case 'notin':
        return !has || !r.values.includes(value ?? '');
      case 'exists':
        return has;
      case '!exists':
        return !has;
    }
  });
}

/** Renders requirements back to selector text (canonical form). */
export function formatLabelSelector(requirements: readonly LabelRequirement[]): string {
  return requirements
    .map((r) => {
      switch (r.op) {
        case '=':
        case '!=':
          return `${r.key}${r.op}${r.value}`;
        case 'in':
        case 'notin':
          return `${r.key} ${r.op} (${r.values.join(',')})`;
        case 'exists':
          return r.key;
        case '!exists':
          return `!${r.key}`;
      }
    })
    .join(',');
}

function fail(message: string): never {
  throw new StrataError('STRATA_BAD_REQUEST', `invalid label selector: ${message}`, [
    { path: PATH, message },
  ]);
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (depth < 0 || depth > 1) fail(`unbalanced parentheses in "${text}"`);
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  if (depth !== 0) fail(`unbalanced parentheses in "${text}"`);
  parts.push(current);
  return parts.map((p) => p.trim());
}

function checkKey(key: string, part: string): string {
  if (!KEY.test(key)) fail(`"${key}" is not a valid label key (in "${part}")`);
  return key;
}

function checkValue(value: string, part: string): string {
  if (!VALUE.test(value)) fail(`"${value}" is not a valid label value (in "${part}")`);
  return value;
}

function parseRequirement(part: string): LabelRequirement {
  if (part === '') fail('empty requirement (stray comma?)');
  const setMatch = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(part);
  if (setMatch) {
    const [, key = '', op, list = ''] = setMatch;
    const values = list.split(',').map((v) => checkValue(v.trim(), part));
    if (list.trim() === '') fail(`"${part}" needs at least one value`);
    return { key: checkKey(key, part), op: op === 'in' ? 'in' : 'notin', values };
  }
  const eqMatch = /^([^=!\s]+)\s*(==|=|!=)\s*([^=!\s]*)$/.exec(part);
  if (eqMatch) {
    const [, key = '', op, value = ''] = eqMatch;
    return { key: checkKey(key, part), op: op === '!=' ? '!=' : '=', value: checkValue(value, part) };
  }
  if (part.startsWith('!')) return { key: checkKey(part.slice(1).trim(), part), op: '!exists' };
  if (/[\s=!()]/.test(part))
    fail(
      `cannot parse "${part}"; expected key=value, key!=value, key in (a,b), key notin (a,b), key or !key`,
    );
  return { key: checkKey(part, part), op: 'exists' };
}
