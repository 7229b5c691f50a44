import type { ValueChange } from '@strata/api';
import { createTwoFilesPatch } from 'diff';
import microdiff from 'microdiff';
import { pointer, type JsonValue } from '../util/json.js';
import { emitYaml } from '../yaml/emit-yaml.js';

/** One changed value, with a JSON pointer into the values. */
export type { ValueChange } from '@strata/api';

/** A readable diff: structured changes plus a unified text diff of the two YAML renderings. */
export interface ValuesDiff {
  changes: ValueChange[];
  /** Unified diff (`--- a`, `+++ b`, `@@ ... @@`); empty when equal. */
  text: string;
}

/** Structured changes between two JSON values (maps/arrays compared member by member). */
export function valueChanges(from: JsonValue | undefined, to: JsonValue | undefined): ValueChange[] {
  const a = from ?? {};
  const b = to ?? {};
  if (
    typeof a !== 'object' ||
    typeof b !== 'object' ||
    a === null ||
    b === null ||
    Array.isArray(a) !== Array.isArray(b)
  ) {
    return JSON.stringify(a) === JSON.stringify(b) ? [] : [{ path: '', type: 'changed', from: a, to: b }];
  }
  return microdiff(a, b).map((d) => {
    const path = pointer('', ...d.path);
    if (d.type === 'CREATE') return { path, type: 'added', to: d.value as JsonValue };
    if (d.type === 'REMOVE') return { path, type: 'removed', from: d.oldValue as JsonValue };
    return { path, type: 'changed', from: d.oldValue as JsonValue, to: d.value as JsonValue };
  });
}

/** A unified diff of two texts (empty string when equal). */
export function textDiff(from: string, to: string, label = 'values'): string {
  if (from === to) return '';
  return createTwoFilesPatch(
    `a/${label}`,
    `b/${label}`,
    ensureNewline(from),
    ensureNewline(to),
    undefined,
    undefined,
    { context: 3 },
  )
    .split('\n')
    .filter((line) => !line.startsWith('===='))
    .join('\n');
}

/** Diff of two values objects: structured changes and a text diff of their sorted YAML. */
export function diffValues(
  from: JsonValue | undefined,
  to: JsonValue | undefined,
  label = 'values',
): ValuesDiff {
  const changes = valueChanges(from, to);
  if (!changes.length) return { changes, text: '' };
  return {
    changes,
    text: textDiff(emitYaml(from ?? {}, { sortKeys: true }), emitYaml(to ?? {}, { sortKeys: true }), label),
  };
}

function ensureNewline(s: string): string {
  return s === '' || s.endsWith('\n') ? s : `${s}\n`;
}
