/** The state root: one directory per cluster, each with state.json (written atomically). */
import { mkdir, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { CompanionRecord } from './companions.js';
import type { OwnedProcess } from './process.js';
import type { ClusterState } from './types.js';

export interface StoredState extends ClusterState {
  processes: OwnedProcess[];
  /** Companion processes (the cluster's agent); absent in state written before companions existed. */
  companions?: CompanionRecord[];
  /** Every binary a companion was started with, written before the start: orphans of it are found by it. */
  companionBinaries?: string[];
}

/** `${STRATA_DATA_DIR:-~/.local/share/strata}/sandbox`. */
export function defaultStateRoot(env: NodeJS.ProcessEnv = process.env): string {
  return join(env['STRATA_DATA_DIR'] ?? join(homedir(), '.local', 'share', 'strata'), 'sandbox');
}

export async function readState(stateFile: string): Promise<StoredState | undefined> {
  try {
    return JSON.parse(await readFile(stateFile, 'utf8')) as StoredState;
  } catch {
    return undefined;
  }
}

export async function writeState(stateFile: string, state: StoredState): Promise<void> {
  await writeJsonFile(stateFile, state);
}

/** Writes JSON atomically (temp file + rename), readable by the owner only. */
export async function writeJsonFile(file: string, value: unknown): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, file);
}

/** Names of the cluster directories under the state root (whether or not their state is complete). */
export async function clusterDirNames(stateRoot: string): Promise<string[]> {
  await mkdir(stateRoot, { recursive: true });
  const entries = await readdir(stateRoot, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
}

/** Last `lines` lines of a log file ('' if missing). */
export async function tailFile(path: string, lines = 20): Promise<string> {
  try {
    const text = await readFile(path, 'utf8');
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
