import type { Issue, ProfileVariable, VariableValue } from '@strata/api';
import { isIPv4 } from 'node:net';
import semver from 'semver';
import { pointer, scalarText } from '../util/json.js';
import { compileSafeRegex, type SafeRegex } from '../util/safe-regex.js';

/** Checks a value against a variable's type, regex and options. Strings are coerced (CLI `--set n=3`). */
export function coerceVariableValue(
  def: ProfileVariable,
  raw: unknown,
): { value: VariableValue } | { error: string } {
  if (def.regex === undefined) return coerce(def, raw, undefined, def.options);
  const compiled = compileSafeRegex(def.regex);
  // A stored profile whose regex the engine refuses (validated before the engine changed) checks nothing: fail closed.
  if ('error' in compiled) return { error: `cannot be checked: its regex /${def.regex}/ ${compiled.error}` };
  return coerce(def, raw, compiled.regex, def.options);
}

function coerce(
  def: ProfileVariable,
  raw: unknown,
  re: SafeRegex | undefined,
  options: ProfileVariable['options'],
): { value: VariableValue } | { error: string } {
  let value: VariableValue;
  switch (def.type) {
    case 'number': {
      const n =
        typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      if (!Number.isFinite(n)) return { error: `must be a number, got ${show(raw)}` };
      value = n;
      break;
    }
    case 'boolean':
      if (typeof raw === 'boolean') value = raw;
      else if (raw === 'true' || raw === 'false') value = raw === 'true';
      else return { error: `must be true or false, got ${show(raw)}` };
      break;
    default: {
      if (typeof raw !== 'string') {
        if (
          typeof raw === 'number' &&
          (def.type === 'string' || def.type === 'secret' || def.type === 'version')
        )
          value = String(raw);
        else return { error: `must be a string, got ${show(raw)}` };
      } else value = raw;
      const s = value;
      if (def.type === 'ipv4' && !isIPv4(s)) return { error: `must be an IPv4 address, got ${show(raw)}` };
      if (def.type === 'cidr' && !isCidr(s))
        return { error: `must be an IPv4 CIDR like 10.0.0.0/16, got ${show(raw)}` };
      if (def.type === 'version' && !semver.valid(s.replace(/^v/, '')))
        return { error: `must be a version like 1.2.3, got ${show(raw)}` };
    }
  }
  if (re && !re.testFull(String(value))) return { error: `must match /${def.regex ?? ''}/` };
  if (options?.length && !options.some((o) => String(o) === String(value))) {
    return { error: `must be one of ${options.map((o) => show(o)).join(', ')}` };
  }
  return { value };
}

/** Checks the variable definitions of a profile (at `path`, e.g. /spec/variables). */
export function checkVariableDefinitions(
  defs: readonly ProfileVariable[] | undefined,
  path: string,
): Issue[] {
  const issues: Issue[] = [];
  const names = new Set<string>();
  const add = (p: string, message: string) =>
    issues.push({ path: p, message, code: 'STRATA_VARIABLE_INVALID' });
  (defs ?? []).forEach((def, i) => {
    const at = pointer(path, i);
    // Malformed definitions are reported by the shape check; only well-formed ones get the semantic checks.
    if (!def || typeof def !== 'object' || (def.options !== undefined && !Array.isArray(def.options))) return;
    if (def.regex !== undefined && typeof def.regex !== 'string') return;
    if (names.has(def.name)) add(`${at}/name`, `variable "${def.name}" is declared twice`);
    names.add(def.name);
    const compiled = def.regex === undefined ? undefined : compileSafeRegex(def.regex);
    if (compiled && 'error' in compiled) add(`${at}/regex`, `regex /${def.regex ?? ''}/ ${compiled.error}`);
    const re = compiled && 'regex' in compiled ? compiled.regex : undefined;
    const optionsOk = (def.options ?? []).map((o, j) => {
      const r = coerce(def, o, undefined, undefined);
      if ('error' in r) add(`${at}/options/${j}`, `option ${r.error}`);
      return !('error' in r);
    });
    if (def.default !== undefined) {
      const r = coerce(def, def.default, re, optionsOk.every(Boolean) ? def.options : undefined);
      if ('error' in r) add(`${at}/default`, `default ${r.error}`);
      if (def.type === 'secret')
        add(
          `${at}/default`,
          'a secret variable cannot have a default (it would be stored in the profile in clear text)',
        );
    }
    if (def.required && (def.hidden || def.immutable) && def.default === undefined) {
      add(`${at}/default`, `a required ${def.hidden ? 'hidden' : 'immutable'} variable needs a default`);
    }
    if (def.type === 'secret' && def.sensitive === false)
      add(`${at}/sensitive`, 'a secret variable is always sensitive');
  });
  return issues;
}

export interface ResolveVariablesOptions {
  definitions: readonly ProfileVariable[] | undefined;
  /** Values given for the cluster. */
  given?: Readonly<Record<string, unknown>>;
  /** Values the cluster had before: an immutable variable may not change. */
  previous?: Readonly<Record<string, unknown>>;
  /** JSON pointer of `given` in the request, for issues (e.g. /spec/profiles/0/variables). */
  path?: string;
}

/**
 * Computes the final variable values: given value, else default. Missing required values, wrong types, unknown names
 * and changes to immutable variables are issues. Unset optional variables are absent from the result; `invalid` names
 * the variables whose value is missing or wrong.
 */
export function resolveVariableValues(options: ResolveVariablesOptions): {
  values: Record<string, VariableValue>;
  issues: Issue[];
  invalid: string[];
} {
  const path = options.path ?? '/variables';
  const given = options.given ?? {};
  const issues: Issue[] = [];
  const values: Record<string, VariableValue> = {};
  const invalid: string[] = [];
  const defs = options.definitions ?? [];
  const declared = new Set(defs.map((d) => d.name));
  for (const name of Object.keys(given)) {
    if (!declared.has(name)) {
      issues.push({
        path: pointer(path, name),
        message: `the profile has no variable "${name}"${declared.size ? `; declared: ${[...declared].join(', ')}` : ''}`,
        code: 'STRATA_VARIABLE_INVALID',
      });
    }
  }
  for (const def of defs) {
    const at = pointer(path, def.name);
    const raw =
      Object.hasOwn(given, def.name) && given[def.name] !== undefined && given[def.name] !== null
        ? given[def.name]
        : def.default;
    if (raw === undefined) {
      if (def.required) {
        issues.push({
          path: at,
          message: `variable "${def.name}" is required`,
          code: 'STRATA_VARIABLE_INVALID',
        });
        invalid.push(def.name);
      }
      continue;
    }
    const r = coerceVariableValue(def, raw);
    if ('error' in r) {
      issues.push({
        path: at,
        message: `variable "${def.name}" ${def.sensitive || def.type === 'secret' ? r.error.replace(/, got .*$/, '') : r.error}`,
        code: 'STRATA_VARIABLE_INVALID',
      });
      invalid.push(def.name);
      continue;
    }
    const before = options.previous?.[def.name];
    if (def.immutable && before !== undefined && scalarText(before) !== String(r.value)) {
      issues.push({
        path: at,
        message: `variable "${def.name}" is immutable: it was set once and cannot change`,
        code: 'STRATA_VARIABLE_INVALID',
      });
    }
    values[def.name] = r.value;
  }
  return { values, issues, invalid };
}

/** A placeholder value of the right type, for checking templates before a cluster gives real values. */
export function sampleVariableValue(def: ProfileVariable): VariableValue {
  if (def.default !== undefined) return def.default;
  if (def.options?.length) return def.options[0] as VariableValue;
  switch (def.type) {
    case 'number':
      return 1;
    case 'boolean':
      return false;
    case 'ipv4':
      return '10.0.0.1';
    case 'cidr':
      return '10.0.0.0/16';
    case 'version':
      return '1.0.0';
    default:
      return 'sample';
  }
}

/** Names of sensitive variables (secret type or sensitive: true): their values must be masked in responses. */
export function sensitiveVariables(defs: readonly ProfileVariable[] | undefined): string[] {
  return (defs ?? []).filter((d) => d.type === 'secret' || d.sensitive).map((d) => d.name);
}

function isCidr(s: string): boolean {
  const m = /^([0-9.]+)\/(\d{1,2})$/.exec(s);
  return !!m && isIPv4(m[1] as string) && Number(m[2]) <= 32;
}

function show(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}
