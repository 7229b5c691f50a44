import { isPlainObject, pointer, type JsonObject } from '../util/json.js';
import { splitValuePath } from '../values/value-path.js';
import { parseSingleYaml } from '../yaml/load-yaml.js';
import type { NoteList } from './report.js';

/** RE2-safe pieces for Palette's `${type}` format tokens. */
const IPV4_OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])';
const IPV4 = `${IPV4_OCTET}(\\.${IPV4_OCTET}){3}`;
const TOKENS: Readonly<
  Record<string, { pattern: string; type?: 'number' | 'integer' | 'boolean'; format?: string }>
> = {
  string: { pattern: '.*' },
  password: { pattern: '.*' },
  number: { pattern: '-?[0-9]+(\\.[0-9]+)?', type: 'number' },
  int: { pattern: '-?[0-9]+', type: 'integer' },
  boolean: { pattern: '(true|false)', type: 'boolean' },
  ipv4: { pattern: IPV4, format: 'ipv4' },
  ipv4cidr: { pattern: `${IPV4}/(3[0-2]|[12]?[0-9])` },
  ipv6: { pattern: '[0-9A-Fa-f:.]+', format: 'ipv6' },
  version: { pattern: 'v?[0-9]+\\.[0-9]+\\.[0-9]+([-+][0-9A-Za-z.+-]*)?' },
  hostname: { pattern: '[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?' },
};

/**
 * Turns Palette's schema.yaml (dotted value path → `{{ required | format "${string}" | hints "…" }}`, alone or under
 * `schema:`) into a JSON Schema for the Strata layer's values. `mapPath` rebases Palette paths
 * (`charts.nginx.x` → `x`); hints for values the layer does not carry, and terms without a JSON Schema meaning
 * (readonly, hidden, ...), are notes.
 */
export function convertSchemaHints(
  text: string,
  mapPath: (segs: string[]) => string[] | undefined,
  notes: NoteList,
): JsonObject | undefined {
  const path = '/schema.yaml';
  const parsed = parseSingleYaml(text, { path, booleans: 'yaml-1.2' });
  for (const issue of parsed.issues) notes.error(issue.path, issue.message);
  if (parsed.value === null || parsed.issues.length) return undefined;
  if (!isPlainObject(parsed.value)) {
    notes.error(path, 'schema.yaml must be a map of value paths');
    return undefined;
  }
  const root: JsonObject = { type: 'object', properties: {} };
  let count = 0;
  for (const [key, entry] of Object.entries(parsed.value)) {
    const at = pointer(path, key);
    const expr = typeof entry === 'string' ? entry : isPlainObject(entry) ? entry.schema : undefined;
    if (typeof expr !== 'string') {
      notes.dropped(at, 'expected a "{{ ... }}" text or {schema: "{{ ... }}"}');
      continue;
    }
    const target = mapPath(splitValuePath(key));
    if (!target || target.length === 0) {
      notes.dropped(at, 'a hint for a value the Strata layer does not carry');
      continue;
    }
    const leaf = hintSchema(expr, at, notes);
    if (!leaf) continue;
    place(root, target, leaf.schema, leaf.required);
    count++;
    notes.translated(at, `→ JSON Schema at ${target.join('.')}`);
  }
  return count > 0 ? { $schema: 'http://json-schema.org/draft-07/schema#', ...root } : undefined;
}

function hintSchema(
  expr: string,
  at: string,
  notes: NoteList,
): { schema: JsonObject; required: boolean } | undefined {
  const m = /^\s*\{\{-?([\s\S]*?)-?\}\}\s*$/.exec(expr);
  if (!m) {
    notes.dropped(at, 'not a "{{ ... }}" schema expression');
    return undefined;
  }
  const schema: JsonObject = {};
  let required = false;
  for (const term of splitPipes(m[1] as string)) {
    const [word, ...args] = term;
    switch (word) {
      case 'required':
        required = true;
        break;
      case 'optional':
        break;
      case 'hints':
      case 'hint':
        if (args[0]) schema.description = args[0];
        break;
      case 'format': {
        const f = formatSchema(args[0] ?? '');
        if ('reason' in f) notes.dropped(at, `format ${JSON.stringify(args[0] ?? '')}: ${f.reason}`);
        else Object.assign(schema, f.schema);
        break;
      }
      case 'options':
      case 'enum': {
        const list = (args[0] ?? '')
          .split(',')
          .map((o) => o.trim())
          .filter(Boolean);
        if (list.length)
          schema.enum = [...list, ...list.filter((o) => /^-?\d+(\.\d+)?$/.test(o)).map(Number)];
        break;
      }
      case 'readonly':
      case 'hidden':
      case 'sensitive':
        notes.dropped(
          at,
          `"${word}": a pack value cannot be ${word}; make it a profile variable that is ${word === 'readonly' ? 'immutable' : word}`,
        );
        break;
      default:
        notes.dropped(at, `"${term.join(' ')}" has no JSON Schema equivalent`);
    }
  }
  return { schema, required };
}

/** `${number}` → number; `${ipv4}` → string with format; a mix of tokens and text → a string pattern. */
function formatSchema(format: string): { schema: JsonObject } | { reason: string } {
  const parts = format.split(/(\$\{[A-Za-z0-9]+\})/).filter((p) => p !== '');
  const tokens = parts.map((p) => /^\$\{([A-Za-z0-9]+)\}$/.exec(p)?.[1]);
  for (const t of tokens) if (t !== undefined && !TOKENS[t]) return { reason: `unknown type \${${t}}` };
  if (parts.length === 1 && tokens[0]) {
    const t = TOKENS[tokens[0]]!;
    // Palette checks the text of a value: "30" passes ${number} as 30 does.
    if (t.type) return { schema: { type: [t.type, 'string'], pattern: `^${t.pattern}$` } };
    if (t.format) return { schema: { type: 'string', format: t.format } };
    return tokens[0] === 'string' || tokens[0] === 'password'
      ? { schema: { type: 'string' } }
      : { schema: { type: 'string', pattern: `^${t.pattern}$` } };
  }
  const pattern = parts
    .map((p, i) =>
      tokens[i] ? `(${TOKENS[tokens[i]]!.pattern})` : p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'),
    )
    .join('');
  return { schema: { type: 'string', pattern: `^${pattern}$` } };
}

/** Splits `required | format "x" | hints "a | b"` into terms of words and string arguments. */
function splitPipes(body: string): string[][] {
  const terms: string[][] = [[]];
  const re = /\s*(?:(\|)|"((?:[^"\\]|\\.)*)"|`([^`]*)`|([^\s|"`]+))/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(body)) !== null && m[0] !== '') {
    if (m[1]) terms.push([]);
    else {
      const arg = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? m[4] ?? '');
      terms[terms.length - 1]!.push(arg);
    }
  }
  return terms.filter((t) => t.length > 0);
}

function place(root: JsonObject, keys: readonly string[], leaf: JsonObject, required: boolean): void {
  let node = root;
  keys.forEach((key, i) => {
    const props = (node.properties ??= {}) as JsonObject;
    if (node.type === undefined) node.type = 'object';
    if (i === keys.length - 1) {
      props[key] = { ...(isPlainObject(props[key]) ? props[key] : {}), ...leaf };
      if (required) {
        const list = (node.required ??= []) as string[];
        if (!list.includes(key)) list.push(key);
      }
    } else {
      if (!isPlainObject(props[key])) props[key] = { type: 'object' };
      node = props[key];
    }
  });
}
