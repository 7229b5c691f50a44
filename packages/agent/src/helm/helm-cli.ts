/**
 * The real `helm` binary, run as a child process with its own cache/config/data directories (so the agent neither
 * reads nor pollutes a user's Helm setup). Calls are never killed on abort: a Helm operation cut in half leaves the
 * release locked ("another operation is in progress"); each call has a hard timeout instead.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { isPlainObject } from '@strata/core';
import { AgentError } from '../errors.js';

export interface HelmCliOptions {
  helmPath: string;
  /** Passed as --kubeconfig; absent in a Pod (Helm then uses the in-cluster service account). */
  kubeconfigPath?: string;
  /** A private directory for Helm's cache, config and data. */
  homeDir: string;
}

export interface ReleaseStatus {
  /** deployed, failed, pending-install, pending-upgrade, pending-rollback, uninstalling, superseded ... */
  status: string;
  revision: number;
}

export interface UpgradeInstallArgs {
  release: string;
  namespace: string;
  /** Chart reference: a name with --repo, an oci:// reference, or a local path. */
  chart: string;
  extraArgs: string[];
  valuesFile: string;
  timeoutMs: number;
}

/** Keeps Helm's stderr short and free of our own paths (temp dirs), for layer messages. */
function summarize(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('WARNING:'));
  const text = lines.slice(-3).join(' ');
  return text.length > 800 ? `${text.slice(0, 800)}…` : text;
}

export class HelmCli {
  private readonly options: HelmCliOptions;

  constructor(options: HelmCliOptions) {
    this.options = options;
  }

  private env(): NodeJS.ProcessEnv {
    const { homeDir } = this.options;
    return {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: homeDir,
      HELM_CACHE_HOME: join(homeDir, 'cache'),
      HELM_CONFIG_HOME: join(homeDir, 'config'),
      HELM_DATA_HOME: join(homeDir, 'data'),
      // In a Pod, Helm needs these to find the API server (no kubeconfig there).
      ...(process.env.KUBERNETES_SERVICE_HOST
        ? { KUBERNETES_SERVICE_HOST: process.env.KUBERNETES_SERVICE_HOST }
        : {}),
      ...(process.env.KUBERNETES_SERVICE_PORT
        ? { KUBERNETES_SERVICE_PORT: process.env.KUBERNETES_SERVICE_PORT }
        : {}),
    };
  }

  run(args: string[], timeoutMs: number): Promise<{ stdout: string; stderr: string }> {
    const full = [
      ...args,
      ...(this.options.kubeconfigPath ? ['--kubeconfig', this.options.kubeconfigPath] : []),
    ];
    return new Promise((resolve, reject) => {
      execFile(
        this.options.helmPath,
        full,
        { env: this.env(), maxBuffer: 256 * 1024 * 1024, timeout: timeoutMs + 30_000, killSignal: 'SIGTERM' },
        (error, stdout, stderr) => {
          if (error) {
            const what = `helm ${args[0] ?? ''}${args[1] && !args[1].startsWith('-') ? ` ${args[1]}` : ''}`;
            reject(
              new AgentError('HelmFailed', `${what} failed: ${summarize(stderr) || error.message}`, {
                retriable: true,
                cause: error,
              }),
            );
          } else resolve({ stdout, stderr });
        },
      );
    });
  }

  async upgradeInstall(a: UpgradeInstallArgs): Promise<void> {
    await this.run(
      [
        'upgrade',
        '--install',
        a.release,
        a.chart,
        ...a.extraArgs,
        '--namespace',
        a.namespace,
        '--create-namespace',
        '--values',
        a.valuesFile,
        // Readiness is the agent's job (same rules for every layer), so no --wait; the timeout bounds hooks.
        '--timeout',
        `${Math.max(1, Math.ceil(a.timeoutMs / 1000))}s`,
        '--history-max',
        '5',
      ],
      a.timeoutMs,
    );
  }

  /** The release's status, or undefined when there is no such release. */
  async status(release: string, namespace: string): Promise<ReleaseStatus | undefined> {
    try {
      const { stdout } = await this.run(
        ['status', release, '--namespace', namespace, '--output', 'json'],
        60_000,
      );
      const parsed = JSON.parse(stdout) as unknown;
      const info = isPlainObject(parsed) && isPlainObject(parsed.info) ? parsed.info : {};
      const version = isPlainObject(parsed) && typeof parsed.version === 'number' ? parsed.version : 0;
      return { status: typeof info.status === 'string' ? info.status : 'unknown', revision: version };
    } catch (error) {
      if (error instanceof AgentError && /release: not found/i.test(error.message)) return undefined;
      throw error;
    }
  }

  async getManifest(release: string, namespace: string): Promise<string> {
    return (await this.run(['get', 'manifest', release, '--namespace', namespace], 60_000)).stdout;
  }

  /**
   * Re-applies revision `revision` of the release as a new revision: Helm's three-way merge restores edited fields
   * and re-creates deleted objects, without needing the chart (so it works while the server is unreachable).
   */
  async rollback(release: string, namespace: string, revision: number, timeoutMs: number): Promise<void> {
    await this.run(
      [
        'rollback',
        release,
        String(revision),
        '--namespace',
        namespace,
        '--timeout',
        `${Math.ceil(timeoutMs / 1000)}s`,
        '--history-max',
        '5',
      ],
      timeoutMs,
    );
  }

  async uninstall(release: string, namespace: string, timeoutMs: number): Promise<void> {
    try {
      await this.run(
        ['uninstall', release, '--namespace', namespace, '--timeout', `${Math.ceil(timeoutMs / 1000)}s`],
        timeoutMs,
      );
    } catch (error) {
      if (error instanceof AgentError && /not found/i.test(error.message)) return;
      throw error;
    }
  }
}
