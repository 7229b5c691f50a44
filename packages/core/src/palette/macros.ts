import { parseTemplate } from '../template/parse-template.js';
import { dnsLabel } from './report.js';

/** Palette system macros (`{{ .spectro.system.X }}`) with a Strata system value. */
const SYSTEM_VALUES: Readonly<Record<string, string>> = {
  'cluster.name': 'cluster.name',
  'cluster.uid': 'cluster.uid',
  'project.name': 'project.name',
  'kubernetes.version': 'kubernetes.version',
  'cloud.type': 'provider',
  'cloud.region': 'region',
};

const MAX_ACTION = 4096;

export interface MacroContext {
  /** Manifest templates: `.Values.x` reads the layer's values under this prefix; Helm-only actions are refused. */
  manifestValuesPrefix?: readonly string[];
  /** Resolves `{{ .spectro.pack.PACK.PATH }}` to literal text (profile import); undefined when it cannot. */
  crossPack?: (pack: string, path: readonly string[]) => string | undefined;
  /** Profile layers may read profile variables (`.spectro.var.X`); pack defaults may not. */
  variables?: boolean;
}

export type ActionTranslation = { ok: true; text: string; changes: string[] } | { ok: false; reason: string };

/** One `{{ ... }}` action of a text, by offsets. */
export interface ActionSpan {
  start: number;
  end: number;
  line: number;
}

/**
 * Finds the template actions of a text in one linear pass. An action longer than 4 KiB or without `}}` is an error
 * (with its line), as in Strata's own template language.
 */
export function scanActions(text: string): {
  spans: ActionSpan[];
  error?: { line: number; message: string };
} {
  const spans: ActionSpan[] = [];
  let pos = 0;
  let line = 1;
  let counted = 0;
  for (;;) {
    const start = text.indexOf('{{', pos);
    if (start < 0) return { spans };
    for (let i = counted; i < start; i++) if (text.charCodeAt(i) === 10) line++;
    counted = start;
    const close = text.indexOf('}}', start + 2);
    if (close < 0) return { spans, error: { line, message: 'a "{{" has no closing "}}"' } };
    if (close + 2 - start > MAX_ACTION)
      return { spans, error: { line, message: `an action is longer than ${MAX_ACTION} bytes` } };
    spans.push({ start, end: close + 2, line });
    pos = close + 2;
  }
}

/**
 * Translates one Palette/Go template action to Strata's template language: system macros to `.system`, user macros
 * to `.macro`, profile variables to `.var`, cross-pack references through `crossPack`, and in manifests `.Values.x`
 * to `.values.<prefix>x`. What has no equivalent (loops, conditions, functions, other system macros) is refused
 * with the reason.
 */
export function translateAction(source: string, ctx: MacroContext = {}): ActionTranslation {
  const m = /^\{\{(-?)([\s\S]*?)(-?)\}\}$/.exec(source);
  if (!m) return { ok: false, reason: 'not a template action' };
  const [, trimLeft = '', body = '', trimRight = ''] = m;
  const changes: string[] = [];
  let failure: string | undefined;
  // Only outside string literals.
  const parts = body.split(/("(?:[^"\\]|\\.)*"|`[^`]*`)/);
  for (let i = 0; i < parts.length; i += 2) {
    parts[i] = (parts[i] as string).replace(
      /\.(spectro|Values)((?:\.[A-Za-z0-9_-]+)+)/g,
      (whole: string, root: string, rest: string) => {
        const segs = rest.slice(1).split('.');
        const out = root === 'Values' ? valuesRef(segs, ctx) : spectroRef(segs, ctx);
        if ('reason' in out) {
          failure ??= out.reason;
          return whole;
        }
        if (out.change) changes.push(out.change);
        return out.text;
      },
    );
  }
  if (failure) return { ok: false, reason: failure };
  const translated = parts.join('');
  const literal = /^\s*\uE000LITERAL([\s\S]*)\uE000\s*$/.exec(translated);
  if (literal) return { ok: true, text: literal[1] as string, changes };
  if (translated.includes('\uE000'))
    return { ok: false, reason: 'a cross-pack reference can only be used alone in an action' };
  const text = `{{${trimLeft}${translated}${trimRight}}}`;
  const parsed = parseTemplate(text);
  if (parsed.errors.length > 0)
    return {
      ok: false,
      reason: `not expressible in Strata's template language (no loops, conditions or functions besides default, quote, squote, upper, lower): ${parsed.errors[0]?.message ?? ''}`,
    };
  if (ctx.manifestValuesPrefix && parsed.nodes.some((n) => n.kind === 'helm'))
    return { ok: false, reason: 'Helm objects (.Release, .Chart, ...) are not available to manifest packs' };
  return { ok: true, text, changes };
}

type RefOut = { text: string; change?: string } | { reason: string };

function spectroRef(segs: string[], ctx: MacroContext): RefOut {
  const [kind, ...rest] = segs;
  const name = rest.join('.');
  switch (kind) {
    case 'system': {
      const target = SYSTEM_VALUES[name];
      if (!target)
        return { reason: `Palette system macro .spectro.system.${name} has no Strata system value` };
      return { text: `.system.${target}`, change: `.spectro.system.${name} → .system.${target}` };
    }
    case 'macro': {
      const label = dnsLabel(name);
      if (!label || rest.length !== 1)
        return { reason: `macro name "${name}" cannot be a Strata macro name` };
      return {
        text: `.macro.${label}`,
        change: `.spectro.macro.${name} → .macro.${label}${label !== name ? ' (renamed: macro names are DNS labels)' : ''}`,
      };
    }
    case 'var':
      if (!ctx.variables)
        return {
          reason: `a pack cannot read profile variables (.spectro.var.${name}); set the value in the profile layer`,
        };
      if (rest.length !== 1 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
        return { reason: `variable name "${name}" is not a Strata variable name` };
      return { text: `.var.${name}`, change: `.spectro.var.${name} → .var.${name}` };
    case 'pack': {
      const [pack, ...path] = rest;
      const value = pack && path.length > 0 ? ctx.crossPack?.(pack, path) : undefined;
      if (value === undefined)
        return {
          reason: `cross-pack reference .spectro.pack.${name}: a Strata layer cannot read another layer's values${ctx.crossPack ? ' and the value was not found in the profile' : ' (profile import inlines it when the profile holds the value)'}`,
        };
      return {
        text: `\uE000LITERAL${value}\uE000`,
        change: `.spectro.pack.${name} → "${value}" (inlined from layer ${pack}; change both layers together)`,
      };
    }
    default:
      return { reason: `.spectro.${segs.join('.')} is not a Palette macro Strata knows` };
  }
}

function valuesRef(segs: string[], ctx: MacroContext): RefOut {
  if (!ctx.manifestValuesPrefix) return { text: `.Values.${segs.join('.')}` };
  const path = [...ctx.manifestValuesPrefix, ...segs].join('.');
  return { text: `.values.${path}`, change: `.Values.${segs.join('.')} → .values.${path}` };
}

/**
 * Translates every action of a text. Untranslatable actions are left as they are and listed with their line.
 */
export function translateText(
  text: string,
  ctx: MacroContext = {},
): { text: string; changes: string[]; failures: { line: number; source: string; reason: string }[] } {
  const { spans, error } = scanActions(text);
  const failures: { line: number; source: string; reason: string }[] = [];
  if (error) failures.push({ line: error.line, source: '', reason: error.message });
  const changes: string[] = [];
  let out = '';
  let pos = 0;
  for (const span of spans) {
    const source = text.slice(span.start, span.end);
    const t = translateAction(source, ctx);
    out += text.slice(pos, span.start);
    if (t.ok) {
      out += t.text;
      changes.push(...t.changes.map((c) => `line ${span.line}: ${c}`));
    } else {
      out += source;
      failures.push({ line: span.line, source, reason: t.reason });
    }
    pos = span.end;
  }
  return { text: out + text.slice(pos), changes, failures };
}
