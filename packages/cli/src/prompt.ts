import { createInterface } from 'node:readline/promises';
import { UsageError } from './exit-codes.js';
import type { CliIO } from './io.js';

/** Asks for one line on the terminal. Input is not echoed when `hidden` (passwords). */
export async function prompt(
  io: CliIO,
  question: string,
  options: { hidden?: boolean } = {},
): Promise<string> {
  if (!io.stdin.isTTY)
    throw new UsageError(
      `cannot prompt for ${question.replace(/:\s*$/, '').toLowerCase()}: stdin is not a terminal`,
    );
  io.stderr.write(question);
  if (options.hidden && io.stdin.setRawMode) return readHidden(io);
  const rl = createInterface({ input: io.stdin, terminal: false });
  try {
    // End of input (Ctrl-D) answers with an empty line rather than waiting forever.
    const line = await new Promise<string>((resolve) => {
      rl.once('line', resolve);
      rl.once('close', () => resolve(''));
    });
    return line;
  } finally {
    rl.close();
  }
}

/** Asks a yes/no question on the terminal (`QUESTION [y/N]: `); only "y" or "yes", in any case, is yes. */
export async function confirm(io: CliIO, question: string): Promise<boolean> {
  const answer = await prompt(io, `${question} [y/N]: `);
  return /^y(es)?$/i.test(answer.trim());
}

function readHidden(io: CliIO): Promise<string> {
  const stdin = io.stdin;
  return new Promise((resolve, reject) => {
    let value = '';
    const done = (err?: Error) => {
      stdin.setRawMode?.(false);
      stdin.pause();
      stdin.off('data', onData);
      io.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of chunk.toString()) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done();
        if (ch === '\u0003') return done(new UsageError('interrupted'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.setRawMode?.(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}
