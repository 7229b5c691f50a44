/**
 * Orphans: a parent killed between spawning a process and recording its PID leaves a process nobody tracks. Every
 * process a cluster runs names the cluster's private state directory on its command line (certificates, data,
 * kubeconfig, token file), so scanning /proc for that directory finds them. Only executables the cluster runs
 * (its binary set, its companions' binaries) are ended; a shell or editor that merely mentions the path is not.
 */
import { readdir, readFile } from 'node:fs/promises';
import { isOurs } from './process.js';
import type { StoredState } from './state.js';

async function commandLine(pid: number): Promise<string[] | undefined> {
  try {
    const raw = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    return raw.length > 0 ? raw.split('\0').filter(Boolean) : undefined;
  } catch {
    return undefined;
  }
}

/** PIDs of live processes (other than this one) whose command line matches. */
async function scan(matches: (argv: string[]) => boolean): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    const argv = await commandLine(pid);
    if (argv && matches(argv)) pids.push(pid);
  }
  return pids;
}

const mentions = (argv: string[], dir: string) => argv.some((a) => a.includes(`${dir}/`) || a === dir);

/**
 * The binaries companions of this state ran: those recorded now and those recorded before a start (`companionBinaries`,
 * written before the process is spawned, so a companion whose record was never written is still recognised).
 */
function companionBinaries(state: StoredState | undefined): Set<string> {
  return new Set([...(state?.companions ?? []).map((c) => c.binary), ...(state?.companionBinaries ?? [])]);
}

/** PIDs of untracked processes of the cluster whose state directory is `root`. */
export async function findOrphans(root: string, state: StoredState | undefined): Promise<number[]> {
  const tracked = new Set<number>();
  for (const p of [...(state?.processes ?? []), ...(state?.companions ?? [])]) {
    if (await isOurs(p)) tracked.add(p.pid);
  }
  const binaries = companionBinaries(state);
  return scan((argv) => {
    const exe = argv[0] ?? '';
    const ours = (state?.binDir && exe.startsWith(`${state.binDir}/`)) || binaries.has(exe);
    return Boolean(ours) && mentions(argv, root);
  }).then((pids) => pids.filter((pid) => !tracked.has(pid)));
}

/**
 * Processes of `binary` naming a companion's private directory that are not the companion on record: one started by a
 * parent that was killed before it recorded the PID. Each companion names its directory on its command line.
 */
export async function findStrayCompanions(dir: string, binary: string, tracked: number[]): Promise<number[]> {
  return scan((argv) => argv[0] === binary && mentions(argv, dir)).then((pids) =>
    pids.filter((pid) => !tracked.includes(pid)),
  );
}

/** SIGKILL for each PID (they hold no state worth a graceful stop); one that is gone already is skipped. */
export function killAll(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Ends the cluster's untracked processes. */
export async function killOrphans(root: string, state: StoredState | undefined): Promise<number[]> {
  const orphans = await findOrphans(root, state);
  killAll(orphans);
  return orphans;
}
