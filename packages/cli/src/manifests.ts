import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { API_VERSION, KINDS, findKind, type Issue, type ResourceInput } from '@strata/api';
import { parseAllDocuments } from 'yaml';
import { InputError } from './exit-codes.js';
import { readAll, type CliIO } from './io.js';

/** One object read from a manifest, with where it came from for error messages. */
export interface Manifest {
  /** File path, or `<stdin>`. */
  source: string;
  /** 1-based document number in the file (`a.yaml#2`); List items add `/items/N`. */
  location: string;
  object: ResourceInput & { kind: string };
}

const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];

/**
 * Reads every object from files, directories (recursively, sorted by path, *.yaml|*.yml|*.json) and `-`
 * (stdin). Validates every document before returning: on any problem it throws one InputError listing
 * all of them, so nothing is sent when a single document is bad.
 */
export async function loadManifests(paths: readonly string[], io: Pick<CliIO, 'stdin'>): Promise<Manifest[]> {
  const manifests: Manifest[] = [];
  const issues: Issue[] = [];
  for (const source of await expandPaths(paths)) {
    const text = source === '-' ? await readAll(io.stdin) : await readFile(source, 'utf8');
    parseManifests(source === '-' ? '<stdin>' : source, text, manifests, issues);
  }
  if (issues.length > 0) {
    const count = new Set(issues.map((i) => /^.*?#\d+/.exec(i.path)?.[0] ?? i.path)).size;
    throw new InputError(
      `${count} document${count === 1 ? ' is' : 's are'} not valid; nothing was applied`,
      issues,
    );
  }
  if (manifests.length === 0) throw new InputError(`no objects found in ${paths.join(', ')}`);
  return manifests;
}

async function expandPaths(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    if (path === '-') {
      if (!files.includes('-')) files.push('-');
      continue;
    }
    let info;
    try {
      info = await stat(path);
    } catch {
      throw new InputError(`${path}: no such file or directory`);
    }
    if (info.isDirectory()) {
      const found = await walk(path);
      if (found.length === 0)
        throw new InputError(`${path}: no ${MANIFEST_EXTENSIONS.join(', ')} files in this directory`);
      files.push(...found);
    } else files.push(path);
  }
  return files;
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(path)));
    else if (MANIFEST_EXTENSIONS.some((ext) => entry.name.endsWith(ext))) out.push(path);
  }
  return out;
}

/** Parses a multi-document YAML (or JSON) text; pushes objects and issues. Exported for tests. */
export function parseManifests(source: string, text: string, manifests: Manifest[], issues: Issue[]): void {
  const documents = parseAllDocuments(text);
  const list = Array.isArray(documents) ? documents : [];
  list.forEach((doc, i) => {
    const location = `${source}#${i + 1}`;
    if (doc.errors.length > 0) {
      for (const err of doc.errors) {
        const line = err.linePos?.[0] ? ` (line ${err.linePos[0].line}, column ${err.linePos[0].col})` : '';
        issues.push({ path: location, message: `${err.message.split('\n')[0]}${line}` });
      }
      return;
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return;
    if (isRecord(value) && value.kind === 'List' && Array.isArray(value.items)) {
      value.items.forEach((item: unknown, j) =>
        check(source, `${location}/items/${j}`, item, manifests, issues),
      );
    } else check(source, location, value, manifests, issues);
  });
}

function check(
  source: string,
  location: string,
  value: unknown,
  manifests: Manifest[],
  issues: Issue[],
): void {
  const problems: Issue[] = [];
  const at = (pointer: string, message: string) => problems.push({ path: `${location}${pointer}`, message });
  if (!isRecord(value)) {
    at('', 'must be an object with apiVersion, kind, metadata and spec');
    issues.push(...problems);
    return;
  }
  const kind = typeof value.kind === 'string' ? findKind(value.kind) : undefined;
  if (typeof value.kind !== 'string' || value.kind === '') at('/kind', 'required');
  else if (!kind)
    at('/kind', `unknown kind "${value.kind}"; known kinds: ${KINDS.map((k) => k.kind).join(', ')}`);
  if (value.apiVersion !== undefined && value.apiVersion !== API_VERSION)
    at('/apiVersion', `must be ${API_VERSION}`);
  const metadata = value.metadata;
  if (!isRecord(metadata)) at('/metadata', 'required: an object with at least a name');
  else if (typeof metadata.name !== 'string' || metadata.name === '') at('/metadata/name', 'required');
  if (value.spec !== undefined && !isRecord(value.spec)) at('/spec', 'must be an object');
  if (problems.length > 0 || !kind) {
    issues.push(...problems);
    return;
  }
  manifests.push({ source, location, object: { ...(value as unknown as ResourceInput), kind: kind.kind } });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Orders objects so that what others live in comes first (Tenant, Project, ... in KINDS order); stable otherwise. */
export function sortForApply(manifests: readonly Manifest[]): Manifest[] {
  const rank = (m: Manifest) => {
    const i = KINDS.findIndex((k) => k.kind === m.object.kind);
    return i === -1 ? KINDS.length : i;
  };
  return manifests
    .map((m, i) => ({ m, i }))
    .sort((a, b) => rank(a.m) - rank(b.m) || a.i - b.i)
    .map((x) => x.m);
}
