import type { Command } from '@commander-js/extra-typings';
import type { AgentManifestMode } from '@strata/client';
import type { CommandContext } from '../context.js';
import { InputError, UsageError } from '../exit-codes.js';
import { eventTable } from '../output/event-table.js';
import { parseFormat, toFormat } from '../output/format.js';
import { writePrivateFile } from '../private-file.js';
import { clusterTarget } from './cluster-target.js';

const MANIFEST_MODES: readonly AgentManifestMode[] = ['full', 'read-only'];

/** `strata cluster kubeconfig|agent-manifest|rotate-agent-token|events`: reaching a cluster and its agent. */
export function registerClusterAccess(cluster: Command, ctx: CommandContext): void {
  cluster
    .command('kubeconfig')
    .description("Get the cluster's admin kubeconfig (needs permission cluster.kubeconfig; audited)")
    .argument('<name>', 'cluster name')
    .option('-o, --output <file>', 'write it to this file (mode 0600) instead of stdout')
    .addHelpText(
      'after',
      `
Every call is recorded in the audit log. Exits 1 (STRATA_CONFLICT) while the cluster has no control plane.

Examples:
  strata cluster kubeconfig shop-eu-1 -p retail -o shop-eu-1.kubeconfig
  KUBECONFIG=shop-eu-1.kubeconfig kubectl get nodes`,
    )
    .action(async (name, options) => {
      const { client, project } = await clusterTarget(ctx);
      const kubeconfig = await client.clusters.kubeconfig(name, { project, signal: ctx.signal });
      if (!options.output) {
        ctx.out(kubeconfig);
        return;
      }
      try {
        await writePrivateFile(options.output, kubeconfig);
      } catch (err) {
        throw new InputError(`cannot write ${options.output}: ${(err as Error).message}`);
      }
      ctx.out(`Wrote the admin kubeconfig of cluster/${name} to ${options.output} (mode 0600)\n`);
    });

  cluster
    .command('agent-manifest')
    .description('Print the Kubernetes objects that run the Strata agent in the cluster, with a new token')
    .argument('<name>', 'cluster name')
    .option('--mode <mode>', 'full (apply and report) | read-only (report only)', 'full')
    .addHelpText(
      'after',
      `
For clusters whose provider does not run the agent itself (imported clusters); for the others (sandbox) it exits
1 with STRATA_CONFLICT. Each call issues a new agent token: the previous one stops working at once.

Example:
  strata cluster agent-manifest edge-7 -p retail | kubectl apply -f -`,
    )
    .action(async (name, options) => {
      const mode = options.mode as AgentManifestMode;
      if (!MANIFEST_MODES.includes(mode))
        throw new UsageError(`unknown --mode "${options.mode}": use one of ${MANIFEST_MODES.join(', ')}`);
      const { client, project } = await clusterTarget(ctx);
      ctx.out(await client.clusters.agentManifest(name, { project, mode, signal: ctx.signal }));
      ctx.err(
        `note: the manifest holds a new agent token for cluster/${name}; the previous token stopped working\n`,
      );
    });

  cluster
    .command('rotate-agent-token')
    .description("Replace the cluster's agent token (the previous one stops working at once)")
    .argument('<name>', 'cluster name')
    .option('-o, --output <format>', 'text | json | yaml', 'text')
    .addHelpText(
      'after',
      `
Providers that run the agent (sandbox) restart it with the new token. For the others the new token is printed:
give it to the agent yourself, or apply a new "strata cluster agent-manifest".

Example:
  strata cluster rotate-agent-token shop-eu-1 -p retail`,
    )
    .action(async (name, options) => {
      const format = parseFormat(options.output, ['text', 'json', 'yaml']);
      const { client, project } = await clusterTarget(ctx);
      const result = await client.clusters.rotateAgentToken(name, { project, signal: ctx.signal });
      if (format !== 'text') {
        ctx.out(toFormat(result, format));
        return;
      }
      ctx.out(`cluster/${name} agent token rotated; the previous token stopped working\n`);
      if (result.restarted) ctx.out('The provider restarted the agent with the new token.\n');
      else if (result.token)
        ctx.out(
          `The agent was not restarted: give it the new token (or apply a new agent manifest).\ntoken: ${result.token}\n`,
        );
    });

  cluster
    .command('events')
    .description('List the events of a cluster, newest first')
    .argument('<name>', 'cluster name')
    .option('-o, --output <format>', 'table | json | yaml', 'table')
    .addHelpText('after', '\nExample:\n  strata cluster events shop-eu-1 -p retail')
    .action(async (name, options) => {
      const format = parseFormat(options.output, ['table', 'json', 'yaml']);
      const { client, project } = await clusterTarget(ctx);
      const events = await client.clusters.events(name, { project, signal: ctx.signal });
      if (format !== 'table') {
        ctx.out(toFormat(events, format));
        return;
      }
      ctx.out(eventTable(events.items, ctx.now()));
      if (events.items.length === 0) ctx.err(`No events for cluster/${name}.\n`);
    });
}
