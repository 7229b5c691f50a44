import type { Issue } from '@strata/api';
import { isPlainObject, type JsonObject, type JsonValue } from '../util/json.js';
import {
  parseTemplate,
  type Literal,
  type ParsedTemplate,
  type PipeCall,
  type TemplateReference,
} from './parse-template.js';

/** What templates can read. Missing roots behave like empty maps. */
export interface TemplateContext {
  /** Variable values of the profile, by name. */
  var?: Readonly<Record<string, JsonValue>>;
  /** Macros (already merged: project over tenant), by name. */
  macro?: Readonly<Record<string, JsonValue>>;
  /** System values: cluster.name, cluster.uid, project.name, kubernetes.version, provider, region. */
  system?: JsonObject;
  /** The layer's final values; only set when rendering pack manifests. */
  values?: JsonObject;
}

export interface RenderTemplateOptions {
  /** JSON pointer of the text (e.g. /spec/layers/3/values); every issue carries it. */
  path?: string;
  /** Largest output; more is an issue and the output is cut. Default 1 MiB. */
  maxOutputBytes?: number; /** Largest input. Default 1 MiB. */
  maxInputBytes?: number;
  /** Parsed templates by text, to parse each text once per call (validation renders texts more than once). */
  templates?: Map<string, ParsedTemplate>;
}

export interface RenderResult {
  output: string;
  issues: Issue[];
}

const DEFAULT_MAX = 1024 * 1024;

/** Renders template text. Never throws; every unknown or missing reference is an Issue with the path and line. */
export function renderTemplate(
  text: string,
  context: TemplateContext,
  options: RenderTemplateOptions = {},
): RenderResult {
  const path = options.path ?? '';
  if (typeof text !== 'string')
    return {
      output: '',
      issues: [{ path, message: 'template must be text', code: 'STRATA_TEMPLATE_ERROR' }],
    };
  const maxIn = options.maxInputBytes ?? DEFAULT_MAX;
  if (text.length > maxIn) {
    return {
      output: '',
      issues: [
        {
          path,
          message: `template is too large: ${text.length} bytes, at most ${maxIn}`,
          code: 'STRATA_TEMPLATE_ERROR',
        },
      ],
    };
  }
  if (!text.includes('{{')) return { output: text, issues: [] };
  let parsed = options.templates?.get(text);
  if (!parsed) {
    parsed = parseTemplate(text);
    options.templates?.set(text, parsed);
  }
  return renderParsed(parsed, context, { ...options, path });
}

/** Renders an already parsed template (parse once, render for many clusters). */
export function renderParsed(
  parsed: ParsedTemplate,
  context: TemplateContext,
  options: RenderTemplateOptions = {},
): RenderResult {
  const path = options.path ?? '';
  const max = options.maxOutputBytes ?? DEFAULT_MAX;
  const issues: Issue[] = parsed.errors.map((e) => ({
    path,
    message: `line ${e.line}: ${e.message}`,
    code: 'STRATA_TEMPLATE_ERROR',
  }));
  const parts: string[] = [];
  let size = 0;
  for (const node of parsed.nodes) {
    let piece: string;
    if (node.kind === 'text' || node.kind === 'helm') piece = node.text;
    else {
      const value = evaluate(node.term, node.pipes, context);
      if ('code' in value) {
        issues.push({ path, message: `line ${node.line}: ${value.error}`, code: value.code });
        piece = '';
      } else piece = value.text;
    }
    size += piece.length;
    if (size > max) {
      issues.push({
        path,
        message: `rendered output is larger than ${max} bytes`,
        code: 'STRATA_TEMPLATE_ERROR',
      });
      break;
    }
    parts.push(piece);
  }
  return { output: parts.join(''), issues };
}

type Evaluated = { text: string } | { error: string; code: string };

function evaluate(
  term: { ref: TemplateReference } | { literal: Literal },
  pipes: PipeCall[],
  ctx: TemplateContext,
): Evaluated {
  let value: JsonValue | undefined = 'literal' in term ? term.literal : lookup(ctx, term.ref);
  for (const pipe of pipes) {
    switch (pipe.fn) {
      case 'default':
        if (value === undefined || value === null || value === '') value = pipe.args[0];
        break;
      case 'quote':
        if (value === undefined) break;
        value = JSON.stringify(toText(value));
        break;
      case 'squote':
        if (value === undefined) break;
        value = `'${toText(value).replace(/'/g, "''")}'`;
        break;
      case 'upper':
        if (value !== undefined) value = toText(value).toUpperCase();
        break;
      case 'lower':
        if (value !== undefined) value = toText(value).toLowerCase();
        break;
    }
  }
  if (value === undefined && 'ref' in term) return missing(term.ref);
  return { text: toText(value ?? null) };
}

function lookup(ctx: TemplateContext, ref: TemplateReference): JsonValue | undefined {
  let cur: JsonValue | undefined = ctx[ref.root];
  for (const seg of ref.path) {
    if (!isPlainObject(cur) || !Object.hasOwn(cur, seg)) return undefined;
    cur = cur[seg];
  }
  return cur;
}

function missing(ref: TemplateReference): Evaluated {
  const name = `.${ref.root}.${ref.path.join('.')}`;
  switch (ref.root) {
    case 'var':
      return {
        error: `variable "${ref.path.join('.')}" has no value (${name})`,
        code: 'STRATA_VARIABLE_INVALID',
      };
    case 'macro':
      return {
        error: `macro "${ref.path.join('.')}" is not defined in the project or tenant (${name})`,
        code: 'STRATA_TEMPLATE_ERROR',
      };
    case 'system':
      return { error: `unknown system value ${name}`, code: 'STRATA_TEMPLATE_ERROR' };
    case 'values':
      return { error: `value ${name} is not set`, code: 'STRATA_TEMPLATE_ERROR' };
  }
}

function toText(value: JsonValue): string {
  if (typeof value === 'string') return value;
  if (value === null) return 'null';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
