import { readFile } from 'node:fs/promises';
import type { Issue } from '@strata/api';
import { parse } from 'yaml';
import { InputError, UsageError } from './exit-codes.js';
import { readAll, type CliIO } from './io.js';

/** The body of `POST {profile}/versions/{version}/resolve`. */
export interface ResolveRequest {
  variables: Record<string, unknown>;
  overrides?: Record<string, unknown>;
  system?: Record<string, unknown>;
}

const VALUES_FILE_KEYS = ['variables', 'overrides', 'system'] as const;

/** `--set name=value` → [name, value]; the value is sent as a string (the server coerces it to the variable's type). */
export function parseSet(assignment: string): [string, string] {
  const eq = assignment.indexOf('=');
  const name = eq === -1 ? '' : assignment.slice(0, eq).trim();
  if (!name) throw new UsageError(`--set expects NAME=VALUE, got "${assignment}"`);
  return [name, assignment.slice(eq + 1)];
}

/**
 * Builds the resolve request from a values file (YAML or JSON: `variables`, `overrides`, `system`; `-` is stdin)
 * and `--set` assignments, which win over the file's variables.
 */
export async function resolveRequest(
  options: { valuesFile?: string | undefined; set: readonly string[] },
  io: Pick<CliIO, 'stdin'>,
): Promise<ResolveRequest> {
  const file = options.valuesFile ? await readValuesFile(options.valuesFile, io) : {};
  const variables: Record<string, unknown> = { ...(file.variables ?? {}) };
  for (const assignment of options.set) {
    const [name, value] = parseSet(assignment);
    variables[name] = value;
  }
  return {
    variables,
    ...(file.overrides ? { overrides: file.overrides } : {}),
    ...(file.system ? { system: file.system } : {}),
  };
}

async function readValuesFile(path: string, io: Pick<CliIO, 'stdin'>): Promise<Partial<ResolveRequest>> {
  let text: string;
  try {
    text = path === '-' ? await readAll(io.stdin) : await readFile(path, 'utf8');
  } catch {
    throw new InputError(`${path}: cannot read the values file`);
  }
  let value: unknown;
  try {
    value = parse(text);
  } catch (err) {
    throw new InputError(
      `${path}: not valid YAML: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}`,
    );
  }
  if (value === null || value === undefined) return {};
  if (!isRecord(value))
    throw new InputError(`${path}: must be a map with variables, overrides and/or system`);
  const issues: Issue[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (!(VALUES_FILE_KEYS as readonly string[]).includes(key))
      issues.push({ path: `/${key}`, message: `unknown key; use ${VALUES_FILE_KEYS.join(', ')}` });
    else if (v !== null && !isRecord(v)) issues.push({ path: `/${key}`, message: 'must be a map' });
  }
  if (issues.length > 0) throw new InputError(`${path}: not a valid values file`, issues);
  const section = (key: (typeof VALUES_FILE_KEYS)[number]) =>
    isRecord(value[key]) ? { [key]: value[key] } : {};
  return { ...section('variables'), ...section('overrides'), ...section('system') };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
