import { readFile } from 'node:fs/promises';
import { findKind, type Issue } from '@strata/api';
import type { ProposedCluster } from '@strata/client';
import { parseAllDocuments } from 'yaml';
import { InputError } from './exit-codes.js';
import { readAll, type CliIO } from './io.js';

export interface ProposedClusterFile {
  /** The plan request: the Cluster document as written, or `{spec}` around a bare spec. */
  body: ProposedCluster;
  /** The document's `metadata.project`, if it names one. */
  project?: string;
}

/**
 * Reads the proposed Cluster for `strata cluster plan -f FILE|-`: one YAML or JSON document, either a Cluster
 * (as given to `strata apply`) or just its spec (a map with provider, nodePools, ...). Problems are InputErrors,
 * raised before anything is sent; the server checks the spec itself.
 */
export async function readProposedCluster(
  path: string,
  io: Pick<CliIO, 'stdin'>,
): Promise<ProposedClusterFile> {
  const source = path === '-' ? '<stdin>' : path;
  let text: string;
  try {
    text = path === '-' ? await readAll(io.stdin) : await readFile(path, 'utf8');
  } catch {
    throw new InputError(`${path}: cannot read the file`);
  }
  return parseProposedCluster(source, text);
}

/** Exported for tests. */
export function parseProposedCluster(source: string, text: string): ProposedClusterFile {
  const documents = parseAllDocuments(text);
  const list = (Array.isArray(documents) ? documents : []).filter((d) => d.errors.length > 0 || d.contents);
  const issues: Issue[] = list.flatMap((doc, i) =>
    doc.errors.map((err) => {
      const line = err.linePos?.[0] ? ` (line ${err.linePos[0].line}, column ${err.linePos[0].col})` : '';
      return { path: `${source}#${i + 1}`, message: `${err.message.split('\n')[0]}${line}` };
    }),
  );
  if (issues.length > 0) throw new InputError(`${source} is not valid YAML`, issues);
  if (list.length !== 1)
    throw new InputError(
      `${source}: expected one Cluster document (or a spec), found ${list.length === 0 ? 'none' : list.length}`,
    );
  const value: unknown = list[0]!.toJS();
  if (!isRecord(value))
    throw new InputError(`${source}: must be a Cluster document or a Cluster spec (a map)`);
  const isDocument = 'kind' in value || 'metadata' in value || 'apiVersion' in value || 'spec' in value;
  if (!isDocument) return { body: { spec: value } };
  const problems: Issue[] = [];
  if (
    value.kind !== undefined &&
    (typeof value.kind !== 'string' || findKind(value.kind)?.kind !== 'Cluster')
  )
    problems.push({ path: '/kind', message: `must be Cluster, not ${JSON.stringify(value.kind)}` });
  if (!isRecord(value.spec)) problems.push({ path: '/spec', message: 'required: the proposed Cluster spec' });
  if (value.metadata !== undefined && !isRecord(value.metadata))
    problems.push({ path: '/metadata', message: 'must be a map' });
  if (problems.length > 0) throw new InputError(`${source}: not a Cluster document`, problems);
  const metadata = isRecord(value.metadata) ? value.metadata : {};
  const project = typeof metadata.project === 'string' && metadata.project ? metadata.project : undefined;
  return {
    body: value as ProposedCluster,
    ...(project ? { project } : {}),
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
