import type { Random } from './random.js';

/** The subset of JSON Schema (as published in the OpenAPI document) the fuzzer understands. */
export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
}

export interface ValueContext {
  rnd: Random;
  /** Resolves `#/components/schemas/X` (or a bare id) to its schema. */
  resolve: (ref: string) => JsonSchema | undefined;
  /** Names of objects that exist or that the run creates: generated names come from here, so writes collide. */
  names: readonly string[];
}

/**
 * Strings tried for a field with a pattern, first match wins (random order among matches). Every URL here points at
 * a loopback port nothing listens on: nothing the fuzzer sends may make the server dial another address.
 */
const STRING_CANDIDATES = [
  '1.0.0',
  'v1.30.2',
  '1',
  '100m',
  '1Gi',
  '50%',
  'strata.dev/v1alpha1',
  'http://127.0.0.1:9/charts',
  'fuzz@example.test',
  'sha256:' + 'a'.repeat(64),
  'hello world',
  'a',
];

const MAX_DEPTH = 8;

/** A value that should satisfy `schema` (best effort: patterns are met by picking from known candidates). */
export function validValue(schema: JsonSchema, ctx: ValueContext, depth = 0): unknown {
  const s = deref(schema, ctx);
  const { rnd } = ctx;
  if (s.const !== undefined) return s.const;
  if (s.enum && s.enum.length > 0) return rnd.pick(s.enum);
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives && alternatives.length > 0) return validValue(rnd.pick(alternatives), ctx, depth);
  if (s.allOf && s.allOf.length > 0) return validValue(s.allOf[0]!, ctx, depth);
  switch (typeOf(s)) {
    case 'object':
      return objectValue(s, ctx, depth);
    case 'array': {
      if (depth >= MAX_DEPTH || !s.items) return [];
      const count = Math.min(s.maxItems ?? 3, Math.max(s.minItems ?? 0, rnd.int(3)));
      return Array.from({ length: count }, () => validValue(s.items!, ctx, depth + 1));
    }
    case 'string':
      return stringValue(s, ctx);
    case 'integer':
      return rnd.between(s.minimum ?? 0, Math.min(s.maximum ?? 10, (s.minimum ?? 0) + 10));
    case 'number':
      return rnd.between(s.minimum ?? 0, 10) + (rnd.chance(0.5) ? 0.5 : 0);
    case 'boolean':
      return rnd.chance(0.5);
    case 'null':
      return null;
    default:
      // A free-form value (additionalProperties: {}): a small object.
      return rnd.chance(0.5) ? { key: 'value', n: 1 } : 'text';
  }
}

function objectValue(s: JsonSchema, ctx: ValueContext, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (depth >= MAX_DEPTH) return out;
  const required = new Set(s.required ?? []);
  for (const [name, prop] of Object.entries(s.properties ?? {})) {
    if (required.has(name) || ctx.rnd.chance(0.4)) out[name] = propertyValue(name, prop, ctx, depth);
  }
  const extra = s.additionalProperties;
  if (extra && typeof extra === 'object' && !s.properties && ctx.rnd.chance(0.6)) {
    out[ctx.rnd.pick(['app', 'tier', 'region'])] = validValue(extra, ctx, depth + 1);
  }
  return out;
}

function propertyValue(name: string, schema: JsonSchema, ctx: ValueContext, depth: number): unknown {
  // Names reuse the pool, so creates, updates and deletes meet the same objects.
  if (name === 'name' && typeOf(deref(schema, ctx)) === 'string') return ctx.rnd.pick(ctx.names);
  return validValue(schema, ctx, depth + 1);
}

function stringValue(s: JsonSchema, ctx: ValueContext): string {
  const { rnd } = ctx;
  const fits = (v: string) =>
    v.length >= (s.minLength ?? 0) &&
    v.length <= (s.maxLength ?? Infinity) &&
    (!s.pattern || safeRegExp(s.pattern)?.test(v) !== false);
  const pool = [...ctx.names, ...STRING_CANDIDATES].filter(fits);
  if (s.pattern && pool.length > 0) return rnd.pick(pool);
  if (s.format === 'uri' || s.format === 'url') return 'http://127.0.0.1:9/charts';
  if (s.format === 'date-time') return '2030-01-01T00:00:00Z';
  const text = rnd.pick(pool.length > 0 ? pool : ['x']);
  return text.slice(0, s.maxLength ?? text.length);
}

function safeRegExp(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    return undefined;
  }
}

/** Follows `$ref` (one level at a time, up to a bound). */
export function deref(schema: JsonSchema, ctx: Pick<ValueContext, 'resolve'>): JsonSchema {
  let s = schema;
  for (let i = 0; i < 10 && s.$ref; i++) s = ctx.resolve(s.$ref) ?? {};
  return s;
}

/** The main type of a schema (the first, when it lists several). */
export function typeOf(s: JsonSchema): string | undefined {
  if (Array.isArray(s.type)) return s.type[0];
  if (s.type) return s.type;
  if (s.properties) return 'object';
  if (s.items) return 'array';
  return undefined;
}
