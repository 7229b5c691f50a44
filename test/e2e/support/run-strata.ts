import { Readable } from 'node:stream';
import { runCli } from '@strata/cli';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the `strata` CLI in-process, as a user would from a shell with these environment variables. */
export async function strata(args: string[], env: Record<string, string>, stdin = ''): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    env,
    stdout: { write: (c: string) => (stdout += c) },
    stderr: { write: (c: string) => (stderr += c) },
    stdin: Readable.from([stdin]),
  });
  return { code, stdout, stderr };
}
