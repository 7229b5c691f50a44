import type { Readable } from 'node:stream';

export interface OutputStream {
  write(chunk: string): unknown;
}

/** Everything a command touches outside the process: injectable so tests run the CLI in-process. */
export interface CliIO {
  stdout: OutputStream;
  stderr: OutputStream;
  stdin: Readable & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  env: Record<string, string | undefined>;
  /** Stops long-running commands (get --watch, wait) cleanly, e.g. on Ctrl-C. */
  signal?: AbortSignal;
  /** The clock, for ages in tables. */
  now?: () => Date;
}

export async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
