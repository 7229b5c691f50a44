import { StrataError, type Issue } from '@strata/api';
import { LineCounter, parseAllDocuments, type ScalarTag } from 'yaml';
import { isPlainObject, pointer, type JsonValue } from '../util/json.js';
import { parseSimpleYaml } from './simple-yaml.js';
import { checkDocumentNodes, type ExpansionBudget } from './yaml-nodes.js';

/**
 * How plain (unquoted) scalars like `yes`, `no`, `on`, `off`, `y`, `n` are read.
 * - `helm` (default): as booleans, the way Helm and kubectl (go-yaml v2, YAML 1.1 booleans) will read them, so
 *   what Strata shows and hashes is what the cluster gets. Quoted `'yes'` stays a string.
 *   Merge keys (`<<: *base`) merge, as go-yaml v2 (Helm, kubectl) merges them (docs/decisions/0005).
 * - `yaml-1.2`: strictly YAML 1.2 core schema: only true/false are booleans, `<<` is an ordinary key. Used for
 *   Strata's own files.
 */
export type YamlBooleans = 'helm' | 'yaml-1.2';

export interface LoadYamlOptions {
  /** JSON pointer of the field or file the text came from; issues are reported at this path. */
  path?: string;
  /** Largest accepted input in bytes (UTF-16 code units, close enough). Default 4 MiB. */
  maxBytes?: number;
  /** Most alias (`*x`) expansions per document, against alias bombs. Default 100. */
  maxAliasCount?: number;
  /** Most documents in one stream. Default 1000. */
  maxDocuments?: number;
  /**
   * Most bytes (approximately, as JSON) all documents may expand to, counting what aliases repeat. Default: four times
   * the text, at least 1 MiB, at most four times maxBytes.
   */
  maxExpandedBytes?: number;
  /** Most values (scalars and collections) all documents may expand to, counting what aliases repeat. Default 1M. */
  maxNodes?: number;
  booleans?: YamlBooleans;
  /**
   * For documents that another program will read (kubeconfigs): refuse anchors, aliases, merge keys (`<<`), explicit
   * tags and the %YAML directive, and read booleans as YAML 1.2 — so that every reader sees the same values.
   */
  strict?: boolean;
}

export interface YamlLoadResult {
  /** One entry per non-empty document (a trailing `---`, an empty file or a `null` document adds nothing). */
  documents: JsonValue[];
  issues: Issue[];
  /** The text, or what it expands to, crossed a size limit. */
  tooLarge?: boolean;
}

const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;
const MIN_EXPANDED_BYTES = 1024 * 1024;
const DEFAULT_MAX_NODES = 1_000_000;
const HELM_BOOL: ScalarTag = {
  tag: 'tag:yaml.org,2002:bool',
  default: true,
  test: /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|true|True|TRUE|false|False|FALSE)$/,
  resolve: (source: string) => /^(?:y|yes|on|true)$/i.test(source),
};

/**
 * Parses a (multi-document) YAML stream into JSON values. Never throws: every problem is an Issue with the path and
 * the line/column in its message.
 */
export function parseYaml(text: string, options: LoadYamlOptions = {}): YamlLoadResult {
  const path = options.path ?? '';
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (typeof text !== 'string')
    return { documents: [], issues: [{ path, message: 'expected YAML text', code: 'STRATA_YAML_INVALID' }] };
  if (text.length > maxBytes) {
    return {
      documents: [],
      issues: [
        {
          path,
          message: `YAML is too large: ${text.length} bytes, at most ${maxBytes}`,
          code: 'STRATA_YAML_INVALID',
        },
      ],
      tooLarge: true,
    };
  }
  const issues: Issue[] = [];
  const documents: JsonValue[] = [];
  const strict = options.strict === true;
  const helm = options.booleans !== 'yaml-1.2' && !strict;
  // The fast path takes no anchors, aliases, tags, directives or `<<` keys, so nothing to refuse or expand there.
  const simple = parseSimpleYaml(text, helm);
  if (simple) return { documents: simple.value === null ? [] : [simple.value], issues };
  const budget: ExpansionBudget = {
    maxNodes: options.maxNodes ?? DEFAULT_MAX_NODES,
    maxBytes:
      options.maxExpandedBytes ?? Math.min(4 * maxBytes, Math.max(4 * text.length, MIN_EXPANDED_BYTES)),
    nodes: 0,
    bytes: 0,
  };
  const lineCounter = new LineCounter();
  try {
    const docs = parseAllDocuments(text, {
      customTags: helm ? (tags) => [HELM_BOOL, ...tags] : undefined,
      merge: helm,
      uniqueKeys: false, // checked by checkDocumentNodes, in linear time
      prettyErrors: true,
      stringKeys: false,
      lineCounter,
    });
    const list = Array.isArray(docs) ? docs : [];
    if (!Array.isArray(docs)) {
      // An EmptyStream: nothing to read.
      return { documents, issues };
    }
    const maxDocuments = options.maxDocuments ?? 1000;
    if (list.length > maxDocuments) {
      return {
        documents,
        issues: [
          {
            path,
            message: `too many YAML documents: ${list.length}, at most ${maxDocuments}`,
            code: 'STRATA_YAML_INVALID',
          },
        ],
      };
    }
    let tooLarge = false;
    list.forEach((doc, index) => {
      const where = list.length > 1 ? `document ${index + 1}, ` : '';
      if (tooLarge) return;
      if (doc.errors.length > 0) {
        for (const err of doc.errors) {
          const pos = err.linePos?.[0];
          const at = pos ? `line ${pos.line}, column ${pos.col}: ` : '';
          issues.push({
            path,
            message: `${where}${at}${firstLine(err.message)}`,
            code: 'STRATA_YAML_INVALID',
          });
        }
        return;
      }
      if (doc.contents === null) return;
      const checked = checkDocumentNodes(doc, { path, strict, merge: helm, lineCounter, where, budget });
      issues.push(...checked.issues);
      tooLarge = checked.tooLarge;
      if (checked.issues.length > 0) return;
      let js: unknown;
      try {
        js = doc.toJS({ maxAliasCount: options.maxAliasCount ?? 100 });
      } catch (err) {
        issues.push({
          path,
          message: `${where}${err instanceof Error ? err.message : String(err)}`,
          code: 'STRATA_YAML_INVALID',
        });
        return;
      }
      if (js === null || js === undefined) return; // an empty document (e.g. after a trailing `---`)
      const problems: string[] = [];
      documents.push(toJsonValue(js, '', problems));
      for (const p of problems.slice(0, 10))
        issues.push({ path, message: `${where}${p}`, code: 'STRATA_YAML_INVALID' });
    });
    if (tooLarge) return { documents: [], issues, tooLarge };
  } catch (err) {
    issues.push({
      path,
      message: `YAML could not be read: ${err instanceof Error ? err.message : String(err)}`,
      code: 'STRATA_YAML_INVALID',
    });
  }
  return { documents, issues };
}

/** Parses a multi-document stream; throws a StrataError (STRATA_YAML_INVALID) listing every issue. */
export function loadYamlDocuments(text: string, options: LoadYamlOptions = {}): JsonValue[] {
  const { documents, issues } = parseYaml(text, options);
  if (issues.length > 0) throw yamlError(issues);
  return documents;
}

/** Parses exactly one document (an empty text gives null); throws a StrataError on any problem. */
export function loadYaml(text: string, options: LoadYamlOptions = {}): JsonValue {
  const result = parseSingleYaml(text, options);
  if (result.issues.length > 0) throw yamlError(result.issues);
  return result.value;
}

/** Like loadYaml but returns the issues instead of throwing. */
export function parseSingleYaml(
  text: string,
  options: LoadYamlOptions = {},
): { value: JsonValue; issues: Issue[] } {
  return singleDocument(parseYaml(text, options), options.path ?? '');
}

/** The one document of a parse result (null when empty); more than one is an issue. */
export function singleDocument(result: YamlLoadResult, path: string): { value: JsonValue; issues: Issue[] } {
  const { documents } = result;
  const issues = [...result.issues];
  if (issues.length === 0 && documents.length > 1) {
    issues.push({
      path,
      message: `expected one YAML document, found ${documents.length}`,
      code: 'STRATA_YAML_INVALID',
    });
  }
  return { value: documents[0] ?? null, issues };
}

function yamlError(issues: Issue[]): StrataError {
  return new StrataError(
    'STRATA_YAML_INVALID',
    issues.map((i) => `${i.path || '/'}: ${i.message}`).join('; '),
    issues,
  );
}

function firstLine(message: string): string {
  const line = message.split('\n')[0] ?? message;
  return line.replace(/ at line \d+, column \d+:?$/, '');
}

/** Converts what the YAML library returns into plain JSON, reporting what JSON cannot hold. */
function toJsonValue(value: unknown, at: string, problems: string[]): JsonValue {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) {
        problems.push(`${at || '/'}: ${String(value)} is not a valid JSON number`);
        return null;
      }
      return value;
    case 'bigint':
      return Number(value);
    case 'object': {
      if (Array.isArray(value)) return value.map((v: unknown, i) => toJsonValue(v, pointer(at, i), problems));
      if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
      const out: Record<string, JsonValue> = {};
      const entries = value instanceof Map ? [...value.entries()] : Object.entries(value);
      for (const [k, v] of entries) {
        const key =
          typeof k === 'string' ? k : isPlainObject(k) || Array.isArray(k) ? JSON.stringify(k) : String(k);
        if (key === '__proto__') {
          problems.push(`${pointer(at, key)}: the key "__proto__" is not allowed`);
          continue;
        }
        out[key] = toJsonValue(v, pointer(at, key), problems);
      }
      return out;
    }
    default:
      problems.push(`${at || '/'}: unsupported value of type ${typeof value}`);
      return null;
  }
}
