import type { Random } from './random.js';
import { deref, typeOf, type JsonSchema, type ValueContext } from './schema-values.js';

/** A place in a generated value, with the schema that describes it there. */
interface Site {
  path: (string | number)[];
  schema: JsonSchema;
}

/** What a mutation did, for the report of a failing case. */
export interface Mutated {
  value: unknown;
  mutation: string;
  /** Set when DEEP_PLACEHOLDER stands in the value: the nesting depth to put there when serialising. */
  deepDepth?: number;
}

/** Replaced by a deeply nested document when the body is serialised (JSON.stringify would overflow first). */
export const DEEP_PLACEHOLDER = '\u0000strata-fuzz-deep\u0000';

/** Nesting depths around the limits parsers and validators meet (the review found 500s from 6,000 up). */
const DEPTHS = [64, 257, 1000, 2500, 6000, 12000];

/** Strings that break naive code: control characters, NUL, unicode tricks, path and query syntax. */
export const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\u0007\u001b[31m',
  '\r\nx-injected: 1',
  '\u202eevil',
  '\ud83d\ude00',
  '\ud800',
  'e\u0301',
  '\ufeffbom',
  '../../etc/passwd',
  '%00',
  '%ff%fe',
  '${{ secrets }}',
  '{{ .Values.x }}',
  "'; DROP TABLE objects; --",
  '__proto__',
  'constructor',
  'x in (y)',
  'a,b',
  'strata.dev/builtin',
  '(a+)+b',
  'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!',
];

/** Replaces one random place of `value` with something the schema does not allow (or allows only barely). */
export function mutateValue(value: unknown, schema: JsonSchema, ctx: ValueContext): Mutated {
  const sites: Site[] = [];
  collectSites(value, schema, [], sites, ctx);
  const site = ctx.rnd.pick(sites);
  const s = deref(site.schema, ctx);
  const { label, replacement, deepDepth } = pickMutation(s, lookup(value, site.path), ctx);
  const where = '/' + site.path.join('/');
  return {
    value: replace(value, site.path, replacement),
    mutation: `${label} at ${where}`,
    ...(deepDepth ? { deepDepth } : {}),
  };
}

function pickMutation(
  s: JsonSchema,
  current: unknown,
  ctx: ValueContext,
): { label: string; replacement: unknown; deepDepth?: number } {
  const { rnd } = ctx;
  const kind = rnd.weighted<string>([
    [4, 'wrong type'],
    [3, 'boundary size'],
    [3, 'nasty string'],
    [2, 'deep nesting'],
    [1, 'huge array'],
    [2, 'unknown property'],
    [2, 'drop required'],
    [2, 'number edge'],
    [1, 'null'],
  ]);
  switch (kind) {
    case 'wrong type':
      return { label: kind, replacement: wrongType(typeOf(s), rnd) };
    case 'boundary size':
      return { label: kind, replacement: boundary(s, rnd) };
    case 'nasty string':
      return { label: kind, replacement: rnd.pick(NASTY_STRINGS) };
    case 'deep nesting': {
      const deepDepth = rnd.pick(DEPTHS);
      return { label: `${kind} ${deepDepth}`, replacement: DEEP_PLACEHOLDER, deepDepth };
    }
    case 'huge array': {
      const n = rnd.pick([1001, 10_001, 60_000]);
      return { label: `${kind} ${n}`, replacement: Array.from({ length: n }, (_, i) => `v${i}`) };
    }
    case 'unknown property':
      return {
        label: kind,
        replacement: isRecord(current)
          ? { ...current, [rnd.pick(['colour', 'x-unknown', 'constructor', ''])]: 'surprise' }
          : { colour: 'red' },
      };
    case 'drop required':
      return { label: kind, replacement: isRecord(current) ? dropOne(current, s, rnd) : undefined };
    case 'number edge':
      return {
        label: kind,
        replacement: rnd.pick([-1, 0, 0.5, -0, 1e308, -1e308, 2 ** 53 + 1, 1001, 4294967296]),
      };
    default:
      return { label: kind, replacement: null };
  }
}

/** A document nested `depth` levels deep, as JSON text (see DEEP_PLACEHOLDER). */
export function deepDocument(depth: number, rnd: Random): string {
  return rnd.chance(0.5)
    ? '['.repeat(depth) + ']'.repeat(depth)
    : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

function wrongType(type: string | undefined, rnd: Random): unknown {
  const others: unknown[] = [42, 'text', true, [], {}, null, [1, 'two'], { nested: { x: 1 } }];
  const filtered = others.filter((v) => jsonType(v) !== type);
  return rnd.pick(filtered);
}

function boundary(s: JsonSchema, rnd: Random): unknown {
  switch (typeOf(s)) {
    case 'array':
      return Array.from({ length: (s.maxItems ?? 1000) + 1 }, () => (s.items ? 'x' : 1));
    case 'integer':
    case 'number':
      return rnd.pick([(s.maximum ?? 1e9) + 1, (s.minimum ?? -1e9) - 1, s.maximum ?? 0, 0.1]);
    default: {
      const max = s.maxLength ?? 256;
      // Exactly at the limit, one over, and a large string that still fits in the 1 MiB body limit.
      const n = rnd.pick([max, max + 1, 0, 300_000, 900_000]);
      const unit = rnd.pick(['a', 'é', '\u0000']);
      // The large ones stay under 900 KB of UTF-8 however they are escaped ('\u0000' is 6 bytes in JSON).
      return unit.repeat(n <= max + 1 ? n : Math.floor(n / (unit === 'a' ? 1 : 6)));
    }
  }
}

function dropOne(o: Record<string, unknown>, s: JsonSchema, rnd: Random): Record<string, unknown> {
  const keys = (s.required ?? Object.keys(o)).filter((k) => k in o);
  if (keys.length === 0) return o;
  const out = { ...o };
  delete out[rnd.pick(keys)];
  return out;
}

function collectSites(
  value: unknown,
  schema: JsonSchema,
  path: Site['path'],
  out: Site[],
  ctx: ValueContext,
) {
  out.push({ path, schema });
  const s = deref(schema, ctx);
  if (Array.isArray(value)) {
    value.forEach((item, i) => collectSites(item, s.items ?? {}, [...path, i], out, ctx));
  } else if (isRecord(value)) {
    for (const [k, v] of Object.entries(value)) {
      const extra = typeof s.additionalProperties === 'object' ? s.additionalProperties : {};
      collectSites(v, s.properties?.[k] ?? extra, [...path, k], out, ctx);
    }
  }
}

function lookup(value: unknown, path: Site['path']): unknown {
  let v = value;
  for (const p of path) v = (v as Record<string | number, unknown> | undefined)?.[p];
  return v;
}

/** A copy of `value` with the element at `path` replaced (undefined removes it). */
function replace(value: unknown, path: Site['path'], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  const copy = (Array.isArray(value) ? [...(value as unknown[])] : { ...(value as object) }) as Record<
    string | number,
    unknown
  >;
  const next = replace(copy[head], rest, replacement);
  if (next === undefined && !Array.isArray(value)) delete copy[head];
  else copy[head] = next;
  return copy;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}
