/**
 * The Strata template language: `{{ .var.NAME }}`, `{{ .macro.NAME }}`, `{{ .system.cluster.name }}` and, in pack
 * manifests, `{{ .values.path }}`; optional pipes `| default "x"`, `| quote`, `| squote`, `| upper`, `| lower`,
 * and `{{-` / `-}}` to trim whitespace. There are no loops, conditions or calls: rendering is one linear pass.
 * Actions whose root starts with an uppercase letter (`{{ .Release.Name }}`, `{{ .Values.x }}`) belong to Helm and are
 * passed through untouched.
 */

export const TEMPLATE_ROOTS = ['var', 'macro', 'system', 'values'] as const;
export type TemplateRoot = (typeof TEMPLATE_ROOTS)[number];
export const TEMPLATE_FUNCTIONS = ['default', 'quote', 'squote', 'upper', 'lower'] as const;
export type TemplateFunction = (typeof TEMPLATE_FUNCTIONS)[number];

export type Literal = string | number | boolean;
export interface TemplateReference {
  root: TemplateRoot;
  /** Segments after the root: `.system.cluster.name` → ['cluster', 'name']. */
  path: string[];
  line: number;
  /** The action has a `default`, so a missing value is not an error. */
  hasDefault: boolean;
}
export interface PipeCall {
  fn: TemplateFunction;
  args: Literal[];
}
export type TemplateNode =
  | { kind: 'text'; text: string }
  | { kind: 'helm'; text: string }
  | {
      kind: 'action';
      line: number;
      source: string;
      term: { ref: TemplateReference } | { literal: Literal };
      pipes: PipeCall[];
    };

export interface ParsedTemplate {
  nodes: TemplateNode[];
  references: TemplateReference[];
  /** Problems with their line, relative to the template text. */
  errors: { line: number; message: string }[];
}

type Token =
  | { t: 'path'; segs: string[] }
  | { t: 'str'; v: string }
  | { t: 'num'; v: number }
  | { t: 'ident'; v: string }
  | { t: 'pipe' };

const MAX_ACTION_LENGTH = 4096;

/** Parses template text. Never throws; problems are listed in `errors`. Linear in the text length. */
export function parseTemplate(text: string): ParsedTemplate {
  const nodes: TemplateNode[] = [];
  const references: TemplateReference[] = [];
  const errors: ParsedTemplate['errors'] = [];
  let pos = 0;
  let line = 1;
  let trimNext = false;
  while (pos < text.length) {
    const open = text.indexOf('{{', pos);
    let chunk = open === -1 ? text.slice(pos) : text.slice(pos, open);
    if (trimNext) chunk = chunk.trimStart();
    trimNext = false;
    if (open === -1) {
      pushText(chunk);
      break;
    }
    line += countNewlines(text, pos, open);
    const trimLeft = text[open + 2] === '-' && /\s/.test(text[open + 3] ?? '');
    // trimEnd, not /\s+$/: that regex takes quadratic time on a long run of spaces not at the end.
    if (trimLeft) chunk = chunk.trimEnd();
    pushText(chunk);
    const close = findClose(text, open + 2);
    if (close === -1) {
      errors.push({ line, message: 'unclosed action: "{{" without "}}"' });
      nodes.push({ kind: 'text', text: text.slice(open) });
      break;
    }
    const trimRight = text[close - 1] === '-' && /\s/.test(text[close - 2] ?? '');
    const inner = text.slice(open + 2 + (trimLeft ? 1 : 0), close - (trimRight ? 1 : 0)).trim();
    const source = text.slice(open, close + 2);
    parseAction(inner, source, line);
    line += countNewlines(text, open, close + 2);
    pos = close + 2;
    trimNext = trimRight;
  }
  return { nodes, references, errors };

  function pushText(chunk: string): void {
    if (chunk.length > 0) nodes.push({ kind: 'text', text: chunk });
  }

  function parseAction(inner: string, source: string, at: number): void {
    if (inner.length > MAX_ACTION_LENGTH) {
      errors.push({
        line: at,
        message: `action is too long (${inner.length} characters, at most ${MAX_ACTION_LENGTH})`,
      });
      return;
    }
    if (/^\.[A-Z]/.test(inner) || /^\/\*/.test(inner)) {
      nodes.push({ kind: 'helm', text: source });
      return;
    }
    const tokens = tokenize(inner);
    if (typeof tokens === 'string') {
      errors.push({ line: at, message: `${tokens} in ${shorten(source)}` });
      return;
    }
    const [first, ...rest] = tokens;
    if (!first) {
      errors.push({ line: at, message: 'empty action "{{ }}"' });
      return;
    }
    let term: { ref: TemplateReference } | { literal: Literal };
    if (first.t === 'path') {
      const [root, ...path] = first.segs;
      if (!root || !(TEMPLATE_ROOTS as readonly string[]).includes(root)) {
        errors.push({
          line: at,
          message: `unknown reference ".${first.segs.join('.')}": it must start with .var, .macro, .system or .values`,
        });
        return;
      }
      if (path.length === 0) {
        errors.push({ line: at, message: `".${root}" needs a name, e.g. ".${root}.NAME"` });
        return;
      }
      term = { ref: { root: root as TemplateRoot, path, line: at, hasDefault: false } };
    } else if (first.t === 'str' || first.t === 'num') {
      term = { literal: first.v };
    } else {
      errors.push({
        line: at,
        message: `${shorten(source)} is not supported: only references (.var.NAME, .macro.NAME, .system.*, .values.*), literals and pipes are allowed`,
      });
      return;
    }
    const pipes: PipeCall[] = [];
    let i = 0;
    while (i < rest.length) {
      const bar = rest[i];
      const fnTok = rest[i + 1];
      if (bar?.t !== 'pipe' || fnTok?.t !== 'ident') {
        errors.push({ line: at, message: `expected "| function" in ${shorten(source)}` });
        return;
      }
      if (!(TEMPLATE_FUNCTIONS as readonly string[]).includes(fnTok.v)) {
        errors.push({
          line: at,
          message: `unknown function "${fnTok.v}"; known: ${TEMPLATE_FUNCTIONS.join(', ')}`,
        });
        return;
      }
      i += 2;
      const args: Literal[] = [];
      while (i < rest.length && rest[i]?.t !== 'pipe') {
        const a = rest[i];
        if (a?.t === 'str' || a?.t === 'num') args.push(a.v);
        else if (a?.t === 'ident' && (a.v === 'true' || a.v === 'false')) args.push(a.v === 'true');
        else {
          errors.push({ line: at, message: `function arguments must be literals in ${shorten(source)}` });
          return;
        }
        i++;
      }
      const fn = fnTok.v as TemplateFunction;
      const want = fn === 'default' ? 1 : 0;
      if (args.length !== want) {
        errors.push({
          line: at,
          message: `"${fn}" takes ${want} argument${want === 1 ? '' : 's'}, got ${args.length}`,
        });
        return;
      }
      pipes.push({ fn, args });
    }
    if ('ref' in term) {
      term.ref.hasDefault = pipes.some((p) => p.fn === 'default');
      references.push(term.ref);
    }
    nodes.push({ kind: 'action', line: at, source, term, pipes });
  }
}

function tokenize(s: string): Token[] | string {
  const tokens: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === 32 || c === 10 || c === 9 || c === 13) {
      i++;
    } else if (c === 124 /* | */) {
      tokens.push({ t: 'pipe' });
      i++;
    } else if (c === 46 /* . */) {
      const segs: string[] = [];
      while (s.charCodeAt(i) === 46) {
        const end = scan(s, i + 1, isNameChar);
        if (end === i + 1) return `unexpected "." at column ${i + 1}`;
        segs.push(s.slice(i + 1, end));
        i = end;
      }
      tokens.push({ t: 'path', segs });
    } else if (c === 34 /* " */) {
      let j = i + 1;
      while (j < s.length && s.charCodeAt(j) !== 34 && s.charCodeAt(j) !== 10)
        j += s.charCodeAt(j) === 92 ? 2 : 1;
      if (j >= s.length || s.charCodeAt(j) !== 34) return 'unterminated string';
      const raw = s.slice(i, j + 1);
      try {
        tokens.push({ t: 'str', v: JSON.parse(raw) as string });
      } catch {
        return `invalid string ${raw}`;
      }
      i = j + 1;
    } else if (c === 96 /* ` */) {
      const end = s.indexOf('`', i + 1);
      if (end === -1) return 'unterminated raw string';
      tokens.push({ t: 'str', v: s.slice(i + 1, end) });
      i = end + 1;
    } else if (c === 45 /* - */ || isDigit(c)) {
      let j = scan(s, c === 45 ? i + 1 : i, isDigit);
      if (j === i + 1 && c === 45) return 'unexpected "-"';
      if (s.charCodeAt(j) === 46 && isDigit(s.charCodeAt(j + 1))) j = scan(s, j + 1, isDigit);
      tokens.push({ t: 'num', v: Number(s.slice(i, j)) });
      i = j;
    } else if (c === 95 || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)) {
      const j = scan(s, i, isIdentChar);
      tokens.push({ t: 'ident', v: s.slice(i, j) });
      i = j;
    } else if (/\s/.test(s[i] as string)) {
      i++;
    } else {
      return `unexpected character "${s[i] as string}"`;
    }
  }
  return tokens;
}

function scan(s: string, from: number, ok: (c: number) => boolean): number {
  let i = from;
  while (i < s.length && ok(s.charCodeAt(i))) i++;
  return i;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isIdentChar(c: number): boolean {
  return c === 95 || isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
function isNameChar(c: number): boolean {
  return isIdentChar(c) || c === 45;
}

/** Finds the `}}` that closes an action starting at `from`, skipping string literals. */
function findClose(text: string, from: number): number {
  let i = from;
  const limit = Math.min(text.length, from + MAX_ACTION_LENGTH + 8);
  while (i < limit) {
    const c = text[i];
    if (c === '"') {
      i++;
      while (i < limit && text[i] !== '"' && text[i] !== '\n') i += text[i] === '\\' ? 2 : 1;
    } else if (c === '`') {
      const end = text.indexOf('`', i + 1);
      if (end === -1 || end >= limit) return -1;
      i = end;
    } else if (c === '}' && text[i + 1] === '}') {
      return i;
    }
    i++;
  }
  return -1;
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

function shorten(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
