/**
 * `strata sandbox ...` for developers. The top-level `strata` bin routes `sandbox` here:
 *
 *   strata sandbox create NAME [--workers N] [--kubernetes-version V] [--state-dir DIR]
 *   strata sandbox list [--state-dir DIR]
 *   strata sandbox delete NAME [--state-dir DIR]
 *   strata sandbox kubeconfig NAME [--state-dir DIR]     (kubeconfig to stdout)
 *
 * `argv` is what follows `sandbox`. Returns the exit code (0 ok, 1 failure, 2 usage).
 */
import { parseArgs } from 'node:util';
import { isStrataError } from '@strata/api';
import { Sandbox } from './sandbox.js';
import type { ClusterInfo } from './types.js';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const USAGE = `usage:
  strata sandbox create NAME [--workers N] [--kubernetes-version V]
  strata sandbox list
  strata sandbox delete NAME
  strata sandbox kubeconfig NAME
options: --state-dir DIR (default \${STRATA_DATA_DIR:-~/.local/share/strata}/sandbox)
`;

const defaultIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

function formatList(clusters: ClusterInfo[]): string {
  const rows = [['NAME', 'PHASE', 'VERSION', 'NODES', 'SERVER']];
  for (const c of clusters) {
    const nodes = c.nodePools.reduce((sum, p) => sum + p.count, 0);
    rows.push([c.name, c.phase, c.kubernetesVersion, String(nodes), c.server]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return (
    rows
      .map((r) =>
        r
          .map((cell, i) => cell.padEnd(widths[i]!))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

export async function runSandboxCli(argv: string[], io: CliIo = defaultIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        workers: { type: 'string' },
        'kubernetes-version': { type: 'string' },
        'state-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    io.stderr(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, name, ...extra] = positionals;
  if (values.help || !command) {
    (values.help ? io.stdout : io.stderr)(USAGE);
    return values.help ? 0 : 2;
  }
  const needsName = command === 'create' || command === 'delete' || command === 'kubeconfig';
  if ((needsName && !name) || extra.length > 0 || (!needsName && name)) {
    io.stderr(USAGE);
    return 2;
  }
  const sandbox = new Sandbox(values['state-dir'] ? { stateRoot: values['state-dir'] } : {});
  try {
    switch (command) {
      case 'create': {
        const workers = values.workers === undefined ? 3 : Number(values.workers);
        if (!Number.isInteger(workers) || workers < 0) {
          io.stderr(`--workers must be a non-negative integer\n`);
          return 2;
        }
        const started = Date.now();
        const cluster = await sandbox.createCluster({
          name: name!,
          ...(values['kubernetes-version'] ? { kubernetesVersion: values['kubernetes-version'] } : {}),
          nodePools: [
            { name: 'control-plane', count: 1, controlPlane: true },
            { name: 'workers', count: workers },
          ],
        });
        io.stdout(
          `created sandbox cluster ${cluster.name} (${cluster.kubernetesVersion}, 1 control-plane + ${workers} workers) in ${((Date.now() - started) / 1000).toFixed(1)}s\n` +
            `  server:     ${cluster.server}\n  kubeconfig: ${cluster.kubeconfigPath}\n  export KUBECONFIG=${cluster.kubeconfigPath}\n`,
        );
        return 0;
      }
      case 'list':
        io.stdout(formatList(await sandbox.list({ adopt: true })));
        return 0;
      case 'delete':
        await sandbox.delete(name!);
        io.stdout(`deleted sandbox cluster ${name}\n`);
        return 0;
      case 'kubeconfig':
        io.stdout(await sandbox.kubeconfig(name!));
        return 0;
      default:
        io.stderr(`unknown command "${command}"\n${USAGE}`);
        return 2;
    }
  } catch (err) {
    const message = isStrataError(err)
      ? `${err.code}: ${err.message}`
      : err instanceof Error
        ? err.message
        : String(err);
    io.stderr(`error: ${message}\n`);
    return 1;
  }
}
