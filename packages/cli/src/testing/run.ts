import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { CliIO } from '../io.js';
import { runCli } from '../run-cli.js';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  stdin?: string;
  /** Make stdin look like a terminal (for confirmation prompts). */
  tty?: boolean;
  signal?: AbortSignal;
  now?: Date;
  /** Called with the stdout written so far after every write (e.g. to abort a watch). */
  onStdout?: (soFar: string) => void;
}

/** Runs the CLI in-process with captured output and an isolated environment (no HOME config leaks in). */
export async function run(argv: string[], options: RunOptions = {}): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const stdin: CliIO['stdin'] = Readable.from([options.stdin ?? '']);
  if (options.tty) stdin.isTTY = true;
  const code = await runCli(argv, {
    stdout: {
      write: (s: string) => {
        stdout += s;
        options.onStdout?.(stdout);
      },
    },
    stderr: { write: (s: string) => (stderr += s) },
    stdin,
    env: { HOME: '/nonexistent-home', ...options.env },
    now: () => options.now ?? new Date('2026-01-01T01:00:00Z'),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return { code, stdout, stderr };
}

/** A temporary directory removed by the returned cleanup. */
export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'strata-cli-test-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
