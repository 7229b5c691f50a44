import type { JsonObject, JsonValue } from '../util/json.js';

/**
 * A fast path for the YAML most values and manifests are made of: block maps and block sequences of scalars,
 * plain or simply quoted scalars, comments. It returns `undefined` as soon as the text uses anything else (flow
 * collections, anchors, tags, block scalars, multi-line scalars, complex keys, document markers, tabs, duplicate keys,
 * numbers in rare notations), and the caller then uses the full YAML parser. For the text it accepts it gives exactly
 * what the full parser gives (checked by a differential test).
 */
export function parseSimpleYaml(text: string, helmBooleans: boolean): { value: JsonValue } | undefined {
  if (text.includes('\t') || text.includes('\r') || text.charCodeAt(0) === 0xfeff) return undefined;
  type Frame = { indent: number; seq: JsonValue[] | undefined; map: JsonObject | undefined };
  const stack: Frame[] = [];
  let root: JsonValue | undefined;
  let pending: { map: JsonObject; key: string; indent: number } | undefined;
  const lines = text.split('\n');
  for (const line of lines) {
    let indent = 0;
    while (line.charCodeAt(indent) === 32) indent++;
    const content = line.slice(indent);
    if (content === '' || content.startsWith('#')) continue;
    if (indent === 0 && (content.startsWith('---') || content.startsWith('...') || content.startsWith('%')))
      return undefined;
    const isItem = content === '-' || content.startsWith('- ');
    if (pending) {
      if (indent > pending.indent || (indent === pending.indent && isItem)) {
        const frame: Frame = isItem
          ? { indent, seq: [], map: undefined }
          : { indent, seq: undefined, map: {} };
        pending.map[pending.key] = (frame.seq ?? frame.map) as JsonValue;
        stack.push(frame);
      } else pending.map[pending.key] = null;
      pending = undefined;
    }
    while (stack.length > 0 && (stack[stack.length - 1] as Frame).indent > indent) stack.pop();
    let top = stack[stack.length - 1];
    if (
      top?.seq &&
      !isItem &&
      top.indent === indent &&
      stack.length > 1 &&
      (stack[stack.length - 2] as Frame).indent === indent
    ) {
      stack.pop();
      top = stack[stack.length - 1];
    }
    if (!top) {
      if (root !== undefined) return undefined;
      top = isItem ? { indent, seq: [], map: undefined } : { indent, seq: undefined, map: {} };
      root = top.seq ?? top.map;
      stack.push(top);
    }
    if (top.indent !== indent) return undefined;
    if (isItem) {
      if (!top.seq || content === '-') return undefined;
      const rest = content.slice(2);
      if (rest.trimStart().startsWith('- ') || rest.startsWith(' ')) return undefined;
      const value = scalar(rest, helmBooleans, true);
      if (value === undefined) return undefined;
      top.seq.push(value.v);
      continue;
    }
    if (!top.map) return undefined;
    const colon = content.indexOf(':');
    if (colon <= 0) return undefined;
    const key = content.slice(0, colon);
    if (!/^[A-Za-z_][A-Za-z0-9_./-]*$/.test(key) || key === '__proto__') return undefined;
    const keyValue = resolvePlain(key, helmBooleans);
    if (typeof keyValue !== 'string') return undefined;
    const after = content.slice(colon + 1);
    if (after !== '' && !after.startsWith(' ')) return undefined;
    if (Object.hasOwn(top.map, key)) return undefined;
    const rest = after.trim();
    if (rest === '' || rest.startsWith('#')) {
      pending = { map: top.map, key, indent };
      top.map[key] = null;
      continue;
    }
    const value = scalar(rest, helmBooleans, false);
    if (value === undefined) return undefined;
    top.map[key] = value.v;
  }
  if (pending) pending.map[pending.key] = null;
  return { value: root ?? null };
}

/** One scalar at the end of a line (with an optional comment); undefined when not in the simple subset. */
function scalar(raw: string, helmBooleans: boolean, inSequence: boolean): { v: JsonValue } | undefined {
  const first = raw[0];
  if (first === "'") {
    let out = '';
    let i = 1;
    for (;;) {
      const q = raw.indexOf("'", i);
      if (q === -1) return undefined;
      out += raw.slice(i, q);
      if (raw[q + 1] === "'") {
        out += "'";
        i = q + 2;
        continue;
      }
      return restIsComment(raw.slice(q + 1)) ? { v: out } : undefined;
    }
  }
  if (first === '"') {
    let i = 1;
    while (i < raw.length && raw[i] !== '"') {
      if (raw[i] === '\\') {
        if (!/^\\(["\\/bfnrt]|u[0-9a-fA-F]{4})/.test(raw.slice(i, i + 6))) return undefined;
        i += raw[i + 1] === 'u' ? 6 : 2;
      } else i++;
    }
    if (i >= raw.length || !restIsComment(raw.slice(i + 1))) return undefined;
    try {
      return { v: JSON.parse(raw.slice(0, i + 1)) as string };
    } catch {
      return undefined;
    }
  }
  if (first === undefined || '?:,[]{}#&*!|>%@`'.includes(first)) return undefined;
  if (first === '-' && (raw.length === 1 || raw[1] === ' ')) return undefined;
  const hash = raw.indexOf(' #');
  const plain = (hash === -1 ? raw : raw.slice(0, hash)).trimEnd();
  if (plain.includes(': ') || plain.endsWith(':') || (inSequence && plain.startsWith('- '))) return undefined;
  const v = resolvePlain(plain, helmBooleans);
  return v === undefined ? undefined : { v };
}

function restIsComment(rest: string): boolean {
  const t = rest.trimStart();
  return t === '' || (t.startsWith('#') && rest.startsWith(' '));
}

const HELM_TRUE = /^(?:y|Y|yes|Yes|YES|on|On|ON)$/;
const HELM_FALSE = /^(?:n|N|no|No|NO|off|Off|OFF)$/;

/** Resolves a plain scalar like the YAML 1.2 core schema (plus Helm booleans); undefined for rare notations. */
function resolvePlain(s: string, helmBooleans: boolean): JsonValue | undefined {
  if (/^(?:~|[Nn]ull|NULL)$/.test(s)) return null;
  if (/^(?:[Tt]rue|TRUE)$/.test(s)) return true;
  if (/^(?:[Ff]alse|FALSE)$/.test(s)) return false;
  if (helmBooleans) {
    if (HELM_TRUE.test(s)) return true;
    if (HELM_FALSE.test(s)) return false;
  }
  const c = s.charCodeAt(0);
  const numberish = (c >= 48 && c <= 57) || s[0] === '-' || s[0] === '+' || s[0] === '.';
  if (!numberish) return s;
  if (/^[-+]?[0-9]+$/.test(s) || /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(s)) {
    const n = Number(s);
    return Number.isFinite(n) && !Object.is(n, -0) && Math.abs(n) <= Number.MAX_SAFE_INTEGER ? n : undefined;
  }
  if (
    /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(s) ||
    /^0o[0-7]+$/.test(s) ||
    /^0x[0-9a-fA-F]+$/.test(s)
  )
    return undefined;
  if (/^[-+]?\.(?:inf|Inf|INF)$/.test(s) || /^\.(?:nan|NaN|NAN)$/.test(s)) return undefined;
  return s;
}
