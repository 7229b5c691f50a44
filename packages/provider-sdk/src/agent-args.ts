import type { AgentMode } from '@strata/api';
import type { AgentLaunch } from './provider.js';

/** Where and how one strata-agent runs: everything its command line says (`strata agent --help`). */
export interface AgentArgsOptions {
  /** The server URL as reachable from where the agent runs. */
  serverUrl: string;
  /** The file holding the agent token (never the token itself: command lines are visible to other users). */
  tokenFile: string;
  mode: AgentMode;
  /** The address of the agent's health and metrics endpoint, e.g. `127.0.0.1:0`. */
  listen: string;
  /** The kubeconfig of the cluster; omitted in-cluster (the service account is used). */
  kubeconfig?: string | undefined;
  /** The helm binary; omitted to use `helm` from PATH. */
  helm?: string | undefined;
  /** The namespace the agent keeps its state in; omitted for the agent's default. */
  namespace?: string | undefined;
}

/**
 * The strata-agent arguments, built in one place for every launcher: the providers that run the agent as a process
 * and the server's Deployment manifest.
 */
/**
 * The arguments of an agent that a provider runs as a supervised local process next to the cluster: the token in the
 * process's own directory (`{dir}`, filled in by the sandbox's ProcessSupervisor), health on a free loopback port.
 */
export function localAgentArgs(
  launch: AgentLaunch,
  where: { kubeconfig: string; helm?: string | undefined },
): string[] {
  return agentArgs({
    serverUrl: launch.serverUrl,
    tokenFile: '{dir}/token',
    kubeconfig: where.kubeconfig,
    helm: where.helm,
    mode: launch.mode,
    listen: '127.0.0.1:0',
  });
}

export function agentArgs(options: AgentArgsOptions): string[] {
  const optional = (flag: string, value: string | undefined): string[] =>
    value === undefined ? [] : [flag, value];
  return [
    '--server',
    options.serverUrl,
    '--token-file',
    options.tokenFile,
    ...optional('--kubeconfig', options.kubeconfig),
    ...optional('--helm', options.helm),
    '--mode',
    options.mode,
    ...optional('--namespace', options.namespace),
    '--listen',
    options.listen,
  ];
}
