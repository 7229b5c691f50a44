/**
 * `strata agent ...`: runs the agent as a foreground process until SIGTERM or SIGINT, then stops cleanly and
 * resolves with the exit code (0 clean stop, 1 failed to start, 2 bad usage).
 */
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { Agent } from '../agent.js';
import { AgentError, errorMessage } from '../errors.js';
import { jsonLogger } from '../log/logger.js';
import { USAGE, parseAgentArgs, type CliOptions } from './parse-args.js';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Resolves when the process is asked to stop (default: SIGTERM or SIGINT). */
  stopSignal?: Promise<string>;
}

const defaultIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

function signals(): Promise<string> {
  return new Promise((resolve) => {
    const on = (sig: NodeJS.Signals): void => {
      process.off('SIGTERM', on);
      process.off('SIGINT', on);
      resolve(sig);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
}

/** `helm` from PATH when --helm is not given (a missing helm only matters for chart layers). */
async function findHelm(): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'helm');
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export async function runAgentCli(args: string[], io: CliIo = defaultIo): Promise<number> {
  let options: CliOptions;
  try {
    const parsed = parseAgentArgs(args);
    if (parsed.help) {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    options = parsed.options;
  } catch (error) {
    io.stderr(`strata agent: ${errorMessage(error)}\n\n${USAGE}\n`);
    return 2;
  }
  const logger = jsonLogger({ level: options.logLevel, write: io.stdout });
  const stopSignal = io.stopSignal ?? signals();
  let agent: Agent;
  try {
    const helmPath = options.helmPath ?? (await findHelm());
    agent = await Agent.start({
      serverUrl: options.serverUrl,
      tokenFile: options.tokenFile,
      namespace: options.namespace,
      mode: options.mode,
      listen: options.listen,
      layerTimeoutMs: options.layerTimeoutMs,
      discoveryIntervalMs: options.discoveryIntervalMs,
      logger,
      ...(options.kubeconfigPath ? { kubeconfigPath: options.kubeconfigPath } : {}),
      ...(helmPath ? { helmPath } : {}),
    });
  } catch (error) {
    logger.error('agent failed to start', {
      code: error instanceof AgentError ? error.code : 'Error',
      error: errorMessage(error),
    });
    return 1;
  }
  const sig = await stopSignal;
  logger.info('stopping', { signal: sig });
  await agent.stop();
  return 0;
}
