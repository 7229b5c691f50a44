/**
 * Companion processes: programs that belong to one sandbox cluster without being part of its control plane — the
 * cluster's strata-agent. They are recorded in state.json like the components (PID + kernel start time, so a
 * recycled PID is never signalled), stopped with the cluster, and restarted by ensureCompanion when they died or
 * when their command line or files changed.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StrataError } from '@strata/api';
import { isOurs, startProcess, stopProcess, type ProcessIdentity } from './process.js';
import { writeJsonFile } from './state.js';
import { findStrayCompanions, killAll } from './sweep.js';

/** Where companions live: a directory, its log directory, and the JSON state file that records them. */
export interface CompanionHome {
  root: string;
  logs: string;
  stateFile: string;
}

/** The part of a state file companions use (the sandbox's state.json has more). */
export interface CompanionState {
  companions?: CompanionRecord[];
  /** Every binary a companion was started with, recorded before each start (see sweep.ts). */
  companionBinaries?: string[];
}

export interface CompanionSpec {
  /** DNS-1123 label, unique per cluster, e.g. `agent`. */
  id: string;
  binary: string;
  /**
   * Arguments; `{dir}` is replaced by the companion's private directory (where `files` are written). Name the
   * directory in them (e.g. a token file): that is how a copy whose parent died before recording it is found.
   */
  args: string[];
  env?: Record<string, string>;
  /** Files written (mode 0600) into the companion's directory before it starts, e.g. a token. */
  files?: Record<string, string>;
}

export interface CompanionRecord extends ProcessIdentity {
  id: string;
  /** Hash of binary, args, env and files: a change restarts the companion. */
  fingerprint: string;
  /** Times it was found dead and started again. */
  restarts: number;
}

export interface CompanionStatus {
  id: string;
  pid: number;
  /** True when this call started it (first time, after a crash, or after a change). */
  started: boolean;
  restarts: number;
  logFile: string;
}

const ID = /^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$/;

export function companionDir(layout: CompanionHome, id: string): string {
  return join(layout.root, 'companions', id);
}

function fingerprint(spec: CompanionSpec): string {
  return createHash('sha256')
    .update(JSON.stringify([spec.binary, spec.args, spec.env ?? {}, spec.files ?? {}]))
    .digest('hex');
}

async function writePrivate(path: string, content: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, content, { mode: 0o600 });
  await rename(tmp, path);
}

/** Starts the companion unless it runs already with the same fingerprint. Persists the record before returning. */
export async function ensureCompanion(
  layout: CompanionHome,
  state: CompanionState,
  spec: CompanionSpec,
): Promise<CompanionStatus> {
  if (!ID.test(spec.id)) {
    throw new StrataError('STRATA_VALIDATION_FAILED', `companion id "${spec.id}" is not a DNS-1123 label`);
  }
  const dir = companionDir(layout, spec.id);
  const logFile = join(layout.logs, `${spec.id}.log`);
  const wanted = fingerprint(spec);
  const companions = (state.companions ??= []);
  const existing = companions.find((c) => c.id === spec.id);
  if (existing && existing.fingerprint === wanted && (await isOurs(existing))) {
    return { id: spec.id, pid: existing.pid, started: false, restarts: existing.restarts, logFile };
  }
  if (existing) await stopProcess(existing);
  // A copy started by a parent killed before it wrote the record would run beside the new one: end it first.
  killAll(await findStrayCompanions(dir, spec.binary, []));
  if (!state.companionBinaries?.includes(spec.binary)) {
    state.companionBinaries = [...(state.companionBinaries ?? []), spec.binary];
    await writeJsonFile(layout.stateFile, state);
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  for (const [name, content] of Object.entries(spec.files ?? {})) {
    if (name.includes('/') || name.startsWith('.')) {
      throw new StrataError('STRATA_VALIDATION_FAILED', `companion file name "${name}" must be a plain name`);
    }
    await writePrivate(join(dir, name), content);
  }
  const started = await startProcess({
    component: spec.id,
    binary: spec.binary,
    args: spec.args.map((a) => a.replaceAll('{dir}', dir)),
    logFile,
    cwd: dir,
    ...(spec.env ? { env: spec.env } : {}),
  });
  const { component: _component, ...owned } = started;
  const restarts = existing && existing.fingerprint === wanted ? existing.restarts + 1 : 0;
  const record: CompanionRecord = { ...owned, id: spec.id, fingerprint: wanted, restarts };
  state.companions = [...companions.filter((c) => c.id !== spec.id), record];
  await writeJsonFile(layout.stateFile, state);
  return { id: spec.id, pid: record.pid, started: true, restarts, logFile };
}

/** Stops one companion (or all when `id` is omitted) and forgets it. */
export async function stopCompanions(
  layout: CompanionHome,
  state: CompanionState,
  id?: string,
): Promise<void> {
  const companions = state.companions ?? [];
  const stopping = companions.filter((c) => id === undefined || c.id === id);
  if (stopping.length === 0) return;
  await Promise.all(stopping.map((c) => stopProcess(c)));
  state.companions = companions.filter((c) => !stopping.includes(c));
  await writeJsonFile(layout.stateFile, state);
}

/**
 * Companion processes outside a sandbox cluster (e.g. the agent of an imported cluster, run by the server): the
 * same recording, supervision and PID-reuse guard, with their state in `<root>/processes.json`.
 */
export class ProcessSupervisor {
  readonly home: CompanionHome;

  constructor(root: string) {
    this.home = { root, logs: join(root, 'logs'), stateFile: join(root, 'processes.json') };
  }

  async #state(): Promise<CompanionState> {
    try {
      return JSON.parse(await readFile(this.home.stateFile, 'utf8')) as CompanionState;
    } catch {
      return {};
    }
  }

  async ensure(spec: CompanionSpec): Promise<CompanionStatus> {
    await mkdir(this.home.logs, { recursive: true, mode: 0o700 });
    return ensureCompanion(this.home, await this.#state(), spec);
  }

  async stop(id?: string): Promise<void> {
    await stopCompanions(this.home, await this.#state(), id);
  }

  async file(id: string, name: string): Promise<string | undefined> {
    if (name.includes('/')) return undefined;
    return readFile(join(companionDir(this.home, id), name), 'utf8').catch(() => undefined);
  }

  /** Stops everything and removes the directory. */
  async remove(): Promise<void> {
    await this.stop();
    await rm(this.home.root, { recursive: true, force: true });
  }
}
