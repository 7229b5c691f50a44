import { UsageError } from './exit-codes.js';

/**
 * A small JSONPath subset (kubectl template style), enough for `wait --for=jsonpath=...`:
 * `{.a.b}`, `{.items[0].name}`, `{.metadata.labels['app.kubernetes.io/name']}`,
 * `{.status.conditions[?(@.type=="Ready")].status}`.
 */
export type Segment =
  | { type: 'field'; name: string }
  | { type: 'index'; index: number }
  | { type: 'filter'; path: string[]; value: string };

export function parseJsonPath(expression: string): Segment[] {
  let text = expression.trim();
  if (text.startsWith('{') && text.endsWith('}')) text = text.slice(1, -1);
  if (!text.startsWith('.') && !text.startsWith('[')) throw invalid(expression, 'must start with "." or "["');
  const segments: Segment[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '.') {
      const m = /^\.([^.[\]{}]+)/.exec(text.slice(i));
      if (!m) throw invalid(expression, `expected a field name at offset ${i}`);
      segments.push({ type: 'field', name: m[1]! });
      i += m[0].length;
    } else if (c === '[') {
      const rest = text.slice(i);
      const index = /^\[(\d+)\]/.exec(rest);
      const quoted = /^\[(['"])(.*?)\1\]/.exec(rest);
      const filter = /^\[\?\(@((?:\.[^.=!\s)]+)+)\s*==\s*(['"])(.*?)\2\)\]/.exec(rest);
      if (index) {
        segments.push({ type: 'index', index: Number(index[1]) });
        i += index[0].length;
      } else if (quoted) {
        segments.push({ type: 'field', name: quoted[2]! });
        i += quoted[0].length;
      } else if (filter) {
        segments.push({ type: 'filter', path: filter[1]!.slice(1).split('.'), value: filter[3]! });
        i += filter[0].length;
      } else throw invalid(expression, `unsupported bracket expression at offset ${i}`);
    } else throw invalid(expression, `unexpected "${c}" at offset ${i}`);
  }
  return segments;
}

/** Every value the path selects (filters can select several); empty when nothing matches. */
export function evaluateJsonPath(segments: readonly Segment[], value: unknown): unknown[] {
  let current: unknown[] = [value];
  for (const segment of segments) {
    const next: unknown[] = [];
    for (const v of current) {
      if (segment.type === 'field') {
        if (isRecord(v) && segment.name in v) next.push(v[segment.name]);
      } else if (segment.type === 'index') {
        if (Array.isArray(v) && segment.index < v.length) next.push(v[segment.index]);
      } else if (Array.isArray(v)) {
        for (const item of v) if (formatValue(walk(item, segment.path)) === segment.value) next.push(item);
      }
    }
    current = next;
  }
  return current.filter((v) => v !== undefined);
}

/** How a selected value prints and compares: strings as-is, other scalars via String, objects as JSON. */
export function formatValue(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return JSON.stringify(value);
}

function walk(value: unknown, path: readonly string[]): unknown {
  let v = value;
  for (const key of path) v = isRecord(v) ? v[key] : undefined;
  return v;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function invalid(expression: string, why: string): UsageError {
  return new UsageError(`invalid jsonpath "${expression}": ${why}`);
}
