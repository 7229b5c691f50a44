import type { Command } from '@commander-js/extra-typings';
import type { ClusterPlan } from '@strata/api';
import type { CommandContext } from '../context.js';
import { ExitCode, UsageError } from '../exit-codes.js';
import { adoptionText } from '../output/adoption-text.js';
import { clusterPlanText } from '../output/cluster-plan.js';
import { parseFormat, toFormat } from '../output/format.js';
import { confirm } from '../prompt.js';
import { readProposedCluster } from '../proposed-cluster.js';
import { registerClusterAccess } from './cluster-access.js';
import { clusterTarget } from './cluster-target.js';

const PLAN_FORMATS = ['text', 'json', 'yaml'] as const;

/** `strata cluster plan|upgrade|scale|approve-repave|kubeconfig|agent-manifest|rotate-agent-token|events`. */
export function registerCluster(program: Command, ctx: CommandContext): void {
  const cluster = program
    .command('cluster')
    .description('Plan and make day-2 changes to a cluster; get its kubeconfig, agent manifest and events')
    .addHelpText(
      'after',
      `
Clusters live in a project: pass --project, set STRATA_PROJECT, or set a default with "strata login --project".
Create and edit clusters with "strata apply -f"; list them with "strata get clusters".`,
    );

  cluster
    .command('plan')
    .description(
      'Show what a proposed spec would change: layers, node pools, repave and approval (imported: adoption)',
    )
    .argument('<name>', 'cluster name')
    .requiredOption(
      '-f, --filename <file>',
      'the proposed Cluster (or just its spec), YAML or JSON; "-" for stdin',
    )
    .option('-o, --output <format>', 'text | json | yaml', 'text')
    .addHelpText(
      'after',
      `
Nothing is stored. Text output lists layers ("+" added, "-" removed, ">" moved, "~" changed with their values
diff), the Kubernetes version change, node pools in the order they change (control plane first) and whether a
repave waits for approval. An invalid spec exits 1 with every issue.

Imported clusters with profiles: the cluster's agent compares the proposed stack with what already runs, without
changing anything, and the plan ends with a table (layer, object or release, action, details) and a verdict:
"Adoption changes nothing" or "Adoption makes N changes". Actions: adopt (left exactly as it is), create, update
(with the paths that differ), install, upgrade (with the reason). The server waits up to 20 s for the agent.

Examples:
  strata cluster plan shop-eu-1 -p retail -f shop-eu-1.yaml
  strata cluster plan legacy -f legacy-adopt.yaml     # spec.import.mode: full + the generated profile`,
    )
    .action(async (name, options) => {
      const format = parseFormat(options.output, PLAN_FORMATS);
      const file = await readProposedCluster(options.filename, ctx.io);
      const { client, project } = await clusterTarget(ctx, file.project);
      const result = await client.clusters.plan(name, file.body, { project, signal: ctx.signal });
      ctx.out(
        format === 'text'
          ? clusterPlanText(result.plan, { cluster: name, project }) + adoptionText(result.plan)
          : toFormat(result, format),
      );
    });

  cluster
    .command('upgrade')
    .description('Move an attached profile to another published version, after showing the plan')
    .argument('<name>', 'cluster name')
    .requiredOption(
      '--profile <name@version>',
      'the attached profile and the version to move to, e.g. base@1.3.0',
    )
    .option('--dry-run', 'only show the plan')
    .option('-y, --yes', 'upgrade without asking for confirmation')
    .option('-o, --output <format>', 'text | json | yaml (json and yaml need --yes or --dry-run)', 'text')
    .addHelpText(
      'after',
      `
Shows the plan, then asks for confirmation on a terminal. Without a terminal (scripts, CI) it refuses unless
--yes is given. A repave the upgrade causes still waits for "strata cluster approve-repave" unless the
cluster's policy.repave is automatic.

Examples:
  strata cluster upgrade shop-eu-1 -p retail --profile base@1.3.0 --dry-run
  strata cluster upgrade shop-eu-1 -p retail --profile base@1.3.0 --yes`,
    )
    .action(async (name, options) => {
      const request = parseProfileRef(options.profile);
      const format = parseFormat(options.output, PLAN_FORMATS);
      if (format !== 'text' && !options.yes && !options.dryRun)
        throw new UsageError(`-o ${format} needs --yes or --dry-run: there is no confirmation prompt for it`);
      const { client, project } = await clusterTarget(ctx);
      const call = { project, signal: ctx.signal };
      const showPlan = (plan: ClusterPlan) => ctx.out(clusterPlanText(plan, { cluster: name, project }));
      const target = `profile ${request.profile} of cluster/${name} to ${request.version}`;
      let shown: ClusterPlan | undefined;
      if (options.dryRun || !options.yes) {
        const dry = await client.clusters.upgrade(name, { ...request, dryRun: true }, call);
        if (format !== 'text') {
          ctx.out(toFormat(dry, format));
          return;
        }
        showPlan(dry.plan);
        if (options.dryRun) {
          ctx.out('Dry run: nothing was changed.\n');
          return;
        }
        if (dry.plan.unchanged) {
          ctx.out(
            `Nothing to upgrade: cluster/${name} already uses ${request.profile}@${request.version}.\n`,
          );
          return;
        }
        if (!ctx.io.stdin.isTTY)
          throw new UsageError(
            `not upgrading ${target} without confirmation: stdin is not a terminal; pass --yes to upgrade, or --dry-run to only show the plan`,
          );
        if (!(await confirm(ctx.io, `Upgrade ${target}?`))) {
          ctx.err('Upgrade cancelled; nothing was changed.\n');
          ctx.exitCode = ExitCode.Error;
          return;
        }
        shown = dry.plan;
      }
      const result = await client.clusters.upgrade(name, request, call);
      if (format !== 'text') {
        ctx.out(toFormat(result, format));
        return;
      }
      if (!shown) showPlan(result.plan);
      else if (JSON.stringify(shown) !== JSON.stringify(result.plan)) {
        ctx.err(
          'warning: the cluster changed after the plan was shown; this is the plan that was applied:\n',
        );
        showPlan(result.plan);
      }
      ctx.out(`cluster/${name} upgraded to ${request.profile}@${request.version}\n`);
    });

  cluster
    .command('scale')
    .description('Set the node count of one pool (within its min and max)')
    .argument('<name>', 'cluster name')
    .requiredOption('--pool <name>', 'the node pool')
    .requiredOption('--count <n>', 'the new node count')
    .addHelpText('after', '\nExample:\n  strata cluster scale shop-eu-1 -p retail --pool workers --count 5')
    .action(async (name, options) => {
      const count = parseCount(options.count);
      const { client, project } = await clusterTarget(ctx);
      await client.clusters.scale(name, { pool: options.pool, count }, { project, signal: ctx.signal });
      ctx.out(`cluster/${name} scaled: pool ${options.pool} to ${count} ${count === 1 ? 'node' : 'nodes'}\n`);
    });

  cluster
    .command('approve-repave')
    .description('Approve the repave the cluster is waiting for')
    .argument('<name>', 'cluster name')
    .addHelpText(
      'after',
      `
Approves the pending repave shown in the cluster's status.pendingRepave (sets spec.repaveApproval to its id);
exits 1 (STRATA_CONFLICT) when none is pending.

Example:
  strata cluster approve-repave shop-eu-1 -p retail`,
    )
    .action(async (name) => {
      const { client, project } = await clusterTarget(ctx);
      const updated = await client.clusters.approveRepave(name, { project, signal: ctx.signal });
      const pending = updated.status.pendingRepave;
      const detail = pending
        ? `: ${pending.pools.join(', ')}${pending.reason ? ` (${pending.reason})` : ''}`
        : '';
      ctx.out(`cluster/${name} repave approved${detail}\n`);
    });

  registerClusterAccess(cluster, ctx);
}

/** `base@1.3.0` → profile and version. */
export function parseProfileRef(value: string): { profile: string; version: string } {
  const at = value.lastIndexOf('@');
  const profile = value.slice(0, at).trim();
  const version = value.slice(at + 1).trim();
  if (at === -1 || !profile || !version)
    throw new UsageError(`--profile expects NAME@VERSION (e.g. base@1.3.0), got "${value}"`);
  return { profile, version };
}

function parseCount(value: string): number {
  if (!/^\d+$/.test(value.trim()))
    throw new UsageError(`--count expects a whole number of nodes (0 or more), got "${value}"`);
  return Number(value.trim());
}
