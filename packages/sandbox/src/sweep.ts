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

/** PIDs of untracked processes of the cluster whose state directory is `root`. */
export async function findOrphans(root: string, state: StoredState | undefined): Promise<number[]> {
  const tracked = new Set<number>();
  for (const p of [...(state?.processes ?? []), ...(state?.companions ?? [])]) {
    if (await isOurs(p)) tracked.add(p.pid);
  }
  const binaries = new Set((state?.companions ?? []).map((c) => c.binary));
  const prefix = `${root}/`;
  const orphans: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid || tracked.has(pid)) continue;
    const argv = await commandLine(pid);
    if (!argv?.some((a) => a.includes(prefix) || a === root)) continue;
    const exe = argv[0] ?? '';
    const ours = (state?.binDir && exe.startsWith(`${state.binDir}/`)) || binaries.has(exe);
    if (ours) orphans.push(pid);
  }
  return orphans;
}

/** Ends the cluster's untracked processes (SIGKILL: they hold no state worth a graceful stop). */
export async function killOrphans(root: string, state: StoredState | undefined): Promise<number[]> {
  const orphans = await findOrphans(root, state);
  for (const pid of orphans) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  return orphans;
}
