/**
 * Starting and ending component processes. A process is only ever signalled after checking that
 * /proc/PID still describes the process we started (same executable and same kernel start time),
 * so a recycled PID is never killed.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ComponentName, ProcessRecord } from './types.js';

export interface StartProcessOptions<C extends string = ComponentName> {
  /** What the process is (a control-plane component, or a companion id). */
  component: C;
  binary: string;
  args: string[];
  logFile: string;
  cwd: string;
  /** Extra environment (e.g. GOGC); the rest is PATH and HOME=cwd only. */
  env?: Record<string, string>;
}

/** Enough to recognise a process we started: PID, executable, and the kernel's start time. */
export interface ProcessIdentity {
  pid: number;
  binary: string;
  startedAt: string;
  /** Field 22 of /proc/PID/stat (clock ticks since boot) at start; guards against PID reuse. */
  procStartTime?: string;
}

/** Persisted identity of a started component process (ProcessRecord + kernel start time). */
export interface OwnedProcess extends ProcessRecord, ProcessIdentity {}

async function procStartTime(pid: number): Promise<string | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces; fields after the last ')' are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') return undefined; // exited, not yet reaped
    return fields[19];
  } catch {
    return undefined;
  }
}

async function procExecutable(pid: number): Promise<string | undefined> {
  try {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.split('\0')[0];
  } catch {
    return undefined;
  }
}

/**
 * Spawns a component detached (own process group, survives the parent), stdout+stderr appended to
 * its log file. Resolves once the PID exists.
 */
export async function startProcess<C extends string>(
  options: StartProcessOptions<C>,
): Promise<ProcessIdentity & { component: C }> {
  const fd = openSync(options.logFile, 'a', 0o600);
  try {
    const child = spawn(options.binary, options.args, {
      cwd: options.cwd,
      detached: true,
      stdio: ['ignore', fd, fd],
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: options.cwd, ...(options.env ?? {}) },
    });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('spawn', () => (child.pid ? resolve(child.pid) : reject(new Error('no pid'))));
    });
    child.unref();
    const record: ProcessIdentity & { component: C } = {
      component: options.component,
      pid,
      binary: options.binary,
      startedAt: new Date().toISOString(),
    };
    const startTime = await procStartTime(pid);
    if (startTime !== undefined) record.procStartTime = startTime;
    return record;
  } finally {
    closeSync(fd);
  }
}

/** True when PID is alive and is still the process described by the record. */
export async function isOurs(record: ProcessIdentity): Promise<boolean> {
  const [exe, startTime] = await Promise.all([procExecutable(record.pid), procStartTime(record.pid)]);
  if (exe === undefined || startTime === undefined) return false;
  if (exe !== record.binary) return false;
  return record.procStartTime === undefined || record.procStartTime === startTime;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. Never signals a PID that is not ours. */
export async function stopProcess(record: ProcessIdentity, graceMs = 5000): Promise<void> {
  if (!(await isOurs(record))) return;
  try {
    process.kill(record.pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!(await isOurs(record))) return;
    await sleep(50);
  }
  if (await isOurs(record)) {
    try {
      process.kill(record.pid, 'SIGKILL');
    } catch {
      return;
    }
  }
  for (let i = 0; i < 100 && (await isOurs(record)); i++) await sleep(50);
}

/** Resident set size of a process in bytes (from /proc/PID/status VmRSS), 0 if gone. */
export async function rssBytes(pid: number): Promise<number> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match?.[1] ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Proportional set size in bytes (shared binary pages split between the processes sharing them), 0 if gone. */
export async function pssBytes(pid: number): Promise<number> {
  try {
    const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8');
    const match = /^Pss:\s+(\d+)\s+kB/m.exec(rollup);
    return match?.[1] ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}
