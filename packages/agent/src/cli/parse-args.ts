/** `strata agent` flags → AgentOptions. Pure, so every flag rule is table-tested. */
import { AGENT_MODES, type AgentMode } from '@strata/api';
import { AgentError } from '../errors.js';
import type { LogLevel } from '../log/logger.js';

export const USAGE = `usage: strata agent --server URL --token-file FILE [options]

  --server URL            management server to dial out to (required)
  --token-file FILE       file holding the agent token (required; never pass the token itself)
  --kubeconfig FILE       cluster to manage (default: KUBECONFIG, ~/.kube/config or in-cluster)
  --helm PATH             helm binary for chart layers (default: helm on PATH, if any)
  --namespace NS          namespace for the inventory and persisted state (default strata-system)
  --mode full|read-only   read-only never writes to the cluster (default full)
  --listen HOST:PORT      /healthz and /metrics (default 127.0.0.1:0: a free port, logged)
  --layer-timeout DUR     apply + readiness time per layer, e.g. 300s or 5m (default 5m)
  --discovery-interval DUR  cluster discovery at start and then this often; 0 disables it (default 10m)
  --log-level LEVEL       debug|info|warn|error (default info)`;

export interface CliOptions {
  serverUrl: string;
  tokenFile: string;
  kubeconfigPath?: string;
  helmPath?: string;
  namespace: string;
  mode: AgentMode;
  listen: string;
  layerTimeoutMs: number;
  /** 0: discovery off. */
  discoveryIntervalMs: number;
  logLevel: LogLevel;
}

export type ParseResult = { help: true } | { help: false; options: CliOptions };

const FLAGS = [
  'server',
  'token-file',
  'kubeconfig',
  'helm',
  'namespace',
  'mode',
  'listen',
  'layer-timeout',
  'discovery-interval',
  'log-level',
] as const;
type Flag = (typeof FLAGS)[number];

function usageError(message: string): AgentError {
  return new AgentError('InvalidOptions', message);
}

/** `300s`, `5m`, `1h`, `1500ms` or plain seconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw usageError(`invalid duration ${JSON.stringify(text)} (use e.g. 300s or 5m)`);
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  const ms = unit === 'ms' ? n : unit === 's' ? n * 1000 : unit === 'm' ? n * 60_000 : n * 3_600_000;
  if (ms < 1000) throw usageError(`duration ${text} is shorter than a second`);
  return Math.round(ms);
}

/** A duration, or `0` (with or without a unit) for "off". */
export function parseInterval(text: string): number {
  return /^0+(\.0*)?(ms|s|m|h)?$/.test(text.trim()) ? 0 : parseDuration(text);
}

export function parseAgentArgs(args: readonly string[]): ParseResult {
  const values = new Map<Flag, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--help' || arg === '-h' || arg === 'help') return { help: true };
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m) throw usageError(`unexpected argument ${JSON.stringify(arg)}`);
    const name = m[1] as Flag;
    if (!FLAGS.includes(name)) throw usageError(`unknown flag --${m[1]}`);
    let value = m[2];
    if (value === undefined) {
      value = args[++i];
      if (value === undefined || value.startsWith('--')) throw usageError(`--${name} needs a value`);
    }
    if (values.has(name)) throw usageError(`--${name} given twice`);
    values.set(name, value);
  }
  const serverUrl = values.get('server');
  const tokenFile = values.get('token-file');
  if (!serverUrl) throw usageError('--server is required');
  if (!tokenFile) throw usageError('--token-file is required');
  let url: URL;
  try {
    url = new URL(serverUrl);
  } catch {
    throw usageError(`--server ${JSON.stringify(serverUrl)} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw usageError('--server must be an http or https URL');
  const mode = values.get('mode') ?? 'full';
  if (!(AGENT_MODES as readonly string[]).includes(mode))
    throw usageError(`--mode must be one of ${AGENT_MODES.join(', ')}`);
  const logLevel = values.get('log-level') ?? 'info';
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel))
    throw usageError('--log-level must be debug, info, warn or error');
  const namespace = values.get('namespace') ?? 'strata-system';
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(namespace))
    throw usageError(`--namespace ${JSON.stringify(namespace)} is not a valid namespace name`);
  const kubeconfigPath = values.get('kubeconfig');
  const helmPath = values.get('helm');
  return {
    help: false,
    options: {
      serverUrl,
      tokenFile,
      ...(kubeconfigPath ? { kubeconfigPath } : {}),
      ...(helmPath ? { helmPath } : {}),
      namespace,
      mode: mode as AgentMode,
      listen: values.get('listen') ?? '127.0.0.1:0',
      layerTimeoutMs: parseDuration(values.get('layer-timeout') ?? '5m'),
      discoveryIntervalMs: parseInterval(values.get('discovery-interval') ?? '10m'),
      logLevel: logLevel as LogLevel,
    },
  };
}
