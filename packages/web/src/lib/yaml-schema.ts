import Ajv, { type ErrorObject } from 'ajv';
import { isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';

/** A problem in a YAML text, with character offsets into that text (for the editor) and a JSON pointer. */
export interface YamlDiagnostic {
  from: number;
  to: number;
  severity: 'error' | 'warning';
  message: string;
  /** JSON pointer of the value concerned, '' for the whole text. */
  path: string;
  line: number;
}

export interface YamlCheckOptions {
  /** JSON Schema of the final values (a pack's values.schema.json). */
  schema?: Record<string, unknown>;
  /** Defaults the text is merged over before the schema check (the pack's default values, as YAML). */
  base?: string;
  /** Values used for `{{ .var.NAME }}` while checking (variable defaults); others get a sample of their type. */
  variables?: Record<string, unknown>;
}

/** `{{ ... }}` actions (the template language): replaced by sample values before parsing. */
const ACTION = /\{\{-?\s*([\s\S]*?)\s*-?\}\}/g;

interface Segment {
  from: number;
  to: number;
  newFrom: number;
  newTo: number;
}

function sampleFor(expr: string, variables: Record<string, unknown>): string {
  const [head = '', ...pipes] = expr.split('|').map((p) => p.trim());
  const def = pipes.find((p) => p.startsWith('default '));
  let value: unknown;
  const v = /^\.var\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(head);
  if (v) value = variables[v[1]!];
  else if (/^"(.*)"$/.test(head)) value = JSON.parse(head) as unknown;
  else if (/^-?\d+(\.\d+)?$/.test(head)) value = Number(head);
  if (value === undefined && def) {
    const lit = def.slice('default '.length).trim();
    try {
      value = JSON.parse(lit) as unknown;
    } catch {
      value = lit;
    }
  }
  if (value === undefined) value = head.startsWith('.system.') ? 'sample' : 'x';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return pipes.includes('quote') ? JSON.stringify(text) : text;
}

/** Renders template actions with samples and keeps a map from the rendered text back to the original. */
export function renderSamples(text: string, variables: Record<string, unknown> = {}) {
  const segments: Segment[] = [];
  let out = '';
  let last = 0;
  for (const m of text.matchAll(ACTION)) {
    const start = m.index;
    out += text.slice(last, start);
    const sample = sampleFor(m[1] ?? '', variables);
    segments.push({
      from: start,
      to: start + m[0].length,
      newFrom: out.length,
      newTo: out.length + sample.length,
    });
    out += sample;
    last = start + m[0].length;
  }
  out += text.slice(last);
  const toOriginal = (offset: number): number => {
    let delta = 0;
    for (const s of segments) {
      if (offset < s.newFrom) break;
      if (offset < s.newTo) return s.from;
      delta = s.to - s.newTo;
    }
    return offset + delta;
  };
  return { text: out, toOriginal, templated: segments.length > 0 };
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === '\n') line++;
  return line;
}

function pointerSegments(pointer: string): string[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The range of the node at `path` in the document, or of its closest existing parent. */
function rangeOf(doc: Document, path: string[]): [number, number] | undefined {
  for (let n = path.length; n >= 0; n--) {
    const keys = path.slice(0, n).map((k) => (/^\d+$/.test(k) ? Number(k) : k));
    const node = (n === 0 ? doc.contents : doc.getIn(keys, true)) as Node | null | undefined;
    if (node && (isScalar(node) || isMap(node) || isSeq(node)) && node.range) {
      if (n < path.length && isMap(node)) {
        // Point at the parent's key rather than the whole block.
        const pair = node.items[0];
        const key = pair?.key as Node | undefined;
        if (key?.range) return [key.range[0], key.range[1]];
      }
      return [node.range[0], node.range[1]];
    }
  }
  return undefined;
}

/** RFC 7396 merge (maps merge, everything else replaces, null deletes) — how layer values go over pack defaults. */
export function mergeValues(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (over === null || typeof over !== 'object' || Array.isArray(over)) return over;
  const out: Record<string, unknown> =
    base && typeof base === 'object' && !Array.isArray(base) ? { ...(base as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(over as Record<string, unknown>)) {
    if (v === null) delete out[k];
    else out[k] = mergeValues(out[k], v);
  }
  return out;
}

function schemaMessage(e: ErrorObject): string {
  if (e.keyword === 'additionalProperties')
    return `unknown field "${String((e.params as { additionalProperty?: string }).additionalProperty)}"`;
  if (e.keyword === 'required')
    return `missing required field "${String((e.params as { missingProperty?: string }).missingProperty)}"`;
  if (e.keyword === 'enum')
    return `must be one of ${((e.params as { allowedValues?: unknown[] }).allowedValues ?? []).map((v) => JSON.stringify(v)).join(', ')}`;
  return e.message ?? e.keyword;
}

const ajvCache = new WeakMap<object, ReturnType<Ajv['compile']>>();
function compile(schema: Record<string, unknown>) {
  let v = ajvCache.get(schema);
  if (!v) {
    const { $schema: _ignored, ...rest } = schema;
    v = new Ajv({ allErrors: true, strict: false, validateFormats: false }).compile(rest);
    ajvCache.set(schema, v);
  }
  return v;
}

/**
 * Checks layer values as the editor shows them: YAML syntax first, then (when a schema is given) the values merged
 * over the pack defaults against the pack's JSON Schema. Every problem has a range in the original text.
 */
export function checkYaml(source: string, options: YamlCheckOptions = {}): YamlDiagnostic[] {
  const rendered = renderSamples(source, options.variables);
  const doc = parseDocument(rendered.text, { prettyErrors: false, uniqueKeys: true });
  const out: YamlDiagnostic[] = [];
  const at = (
    from: number,
    to: number,
    message: string,
    path: string,
    severity: 'error' | 'warning' = 'error',
  ) => {
    const f = rendered.toOriginal(from);
    const t = Math.max(f, rendered.toOriginal(to));
    out.push({ from: f, to: t, severity, message, path, line: lineOf(source, f) });
  };
  for (const e of doc.errors) at(e.pos[0], e.pos[1], e.message.split('\n')[0] ?? e.message, '');
  if (out.length > 0 || !options.schema) return out;
  let values: unknown;
  try {
    values = doc.toJS() as unknown;
  } catch (err) {
    at(0, 0, (err as Error).message, '');
    return out;
  }
  if (values !== null && values !== undefined && (typeof values !== 'object' || Array.isArray(values))) {
    at(0, source.length, 'values must be a YAML mapping', '');
    return out;
  }
  let base: unknown = {};
  if (options.base) {
    try {
      base = parseDocument(renderSamples(options.base).text).toJS() as unknown;
    } catch {
      base = {};
    }
  }
  const merged = mergeValues(base ?? {}, values ?? {});
  const validate = compile(options.schema);
  if (validate(merged)) return out;
  for (const e of validate.errors ?? []) {
    let path = e.instancePath;
    if (e.keyword === 'additionalProperties')
      path = `${path}/${String((e.params as { additionalProperty?: string }).additionalProperty)}`;
    const range = rangeOf(doc, pointerSegments(path));
    const [from, to] = range ?? [0, 0];
    at(from, to, `${path || '/'}: ${schemaMessage(e)}`, path);
  }
  return out;
}
