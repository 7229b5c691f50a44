/** Small helpers shared by the sandbox e2e suites. */
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { AppsV1Api, CoreV1Api, KubeConfig, VersionApi } from '@kubernetes/client-node';

export const run = promisify(execFile);

export interface Clients {
  core: CoreV1Api;
  apps: AppsV1Api;
  version: VersionApi;
}

export function clients(kubeconfig: string): Clients {
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfig);
  return {
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    version: kc.makeApiClient(VersionApi),
  };
}

/** Retries `check` until it stops throwing (or returns true) or the timeout passes; rethrows the last failure. */
export async function eventually(
  check: () => Promise<void | boolean>,
  timeoutMs = 30_000,
  intervalMs = 250,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      if ((await check()) !== false) return;
      last = new Error('condition still false');
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw last;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** PIDs of live processes whose executable lives in `binDir` (to prove nothing extra was started). */
export async function processesFrom(binDir: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const exe = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).split('\0')[0] ?? '';
      if (exe.startsWith(`${binDir}/`)) pids.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return pids.sort((a, b) => a - b);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function errorCode(err: unknown): number | undefined {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'number'
    ? err.code
    : undefined;
}

/** PIDs of live (non-zombie) processes whose command line mentions `text` (e.g. a data directory). */
export async function processesMentioning(text: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const [cmdline, stat] = await Promise.all([
        readFile(`/proc/${entry}/cmdline`, 'utf8'),
        readFile(`/proc/${entry}/stat`, 'utf8'),
      ]);
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (state !== 'Z' && cmdline.includes(text)) pids.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return pids.sort((a, b) => a - b);
}

/** Like processesMentioning, as `PID: command line` lines, so an assertion on them says what was left running. */
export async function processLinesMentioning(text: string): Promise<string[]> {
  const lines: string[] = [];
  for (const pid of await processesMentioning(text)) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '(exited)');
    lines.push(`${pid}: ${cmdline.split('\0').join(' ').trim()}`);
  }
  return lines;
}
