/**
 * Turns a layer's chart reference into `helm upgrade` arguments: a Helm repository (`--repo URL name`), an OCI
 * registry (`oci://host/path/name`), or a chart bundled in a pack, fetched from the server and written to a
 * temporary directory (archive as .tgz, or the chart's files).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, normalize, sep } from 'node:path';
import { AgentError } from '../errors.js';
import type { HelmSpec } from '../protocol/desired-state.js';
import type { ServerClient } from '../protocol/server-client.js';

export interface ChartArgs {
  chart: string;
  extraArgs: string[];
}

/** A chart file path from the server, refused when it could escape the chart directory. */
function safeRelative(path: string): string {
  const n = normalize(path);
  if (n.startsWith('..') || n.startsWith(sep) || n.includes(`${sep}..${sep}`) || n === '.')
    throw new AgentError(
      'InvalidMessage',
      `bundled chart file path ${JSON.stringify(path)} is not inside the chart`,
    );
  return n;
}

export async function chartArgs(
  helm: HelmSpec,
  options: { server: ServerClient | undefined; workDir: string; signal?: AbortSignal },
): Promise<ChartArgs> {
  const { chart } = helm;
  if (helm.bundled) {
    if (!options.server)
      throw new AgentError(
        'ChartUnavailable',
        `chart ${chart.name} is bundled but there is no server to fetch it from`,
      );
    let message;
    try {
      message = await options.server.chart(helm.bundled.digest, options.signal);
    } catch (error) {
      throw new AgentError(
        'ChartUnavailable',
        `cannot fetch bundled chart ${chart.name} ${chart.version}: ${error instanceof Error ? error.message : String(error)}`,
        {
          retriable: true,
          cause: error,
        },
      );
    }
    if (message.archive) {
      const file = join(options.workDir, `${chart.name}-${chart.version}.tgz`);
      await writeFile(file, Buffer.from(message.archive, 'base64'), { mode: 0o600 });
      return { chart: file, extraArgs: [] };
    }
    if (message.files && Object.keys(message.files).length > 0) {
      const dir = join(options.workDir, 'chart');
      for (const [path, content] of Object.entries(message.files)) {
        const target = join(dir, safeRelative(path));
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, content, { mode: 0o600 });
      }
      return { chart: dir, extraArgs: [] };
    }
    throw new AgentError(
      'ChartUnavailable',
      `bundled chart ${chart.name} ${chart.version} has neither an archive nor files`,
    );
  }
  const repo = chart.repository;
  if (!repo)
    throw new AgentError('ChartUnavailable', `chart ${chart.name} has no repository and is not bundled`);
  if (repo.startsWith('oci://'))
    return { chart: `${repo.replace(/\/+$/, '')}/${chart.name}`, extraArgs: ['--version', chart.version] };
  return { chart: chart.name, extraArgs: ['--repo', repo, '--version', chart.version] };
}
