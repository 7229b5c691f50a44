import type { Command } from '@commander-js/extra-typings';
import { ClusterGroupKind, FINISHED_ROLLOUT_PHASES, RolloutKind, type KindDefinition } from '@strata/api';
import { sleep, type Rollout, type StrataClient } from '@strata/client';
import type { CommandContext } from '../context.js';
import { ExitCode, InputError, UsageError } from '../exit-codes.js';
import { loadManifests } from '../manifests.js';
import { formatList, parseFormat, toFormat } from '../output/format.js';
import { membersTable, rolloutPlanText, rolloutStatusText, updatesTable } from '../output/rollout-view.js';
import { projectFor } from '../project.js';
import { confirm } from '../prompt.js';

const FORMATS = ['text', 'json', 'yaml'] as const;

async function target(
  ctx: CommandContext,
  kind: KindDefinition,
  own?: string,
): Promise<{ client: StrataClient; project: string | undefined }> {
  const settings = await ctx.settings();
  if (own && settings.projectSource === 'flag' && settings.project !== own)
    throw new InputError(`the file's metadata.project is "${own}" but --project is "${settings.project}"`);
  return { client: await ctx.client(), project: projectFor(kind, settings, own) };
}

/** The one Rollout document of `-f FILE`. */
async function readRollout(ctx: CommandContext, file: string) {
  const manifests = await loadManifests([file], ctx.io);
  if (manifests.length !== 1 || manifests[0]!.object.kind !== 'Rollout') {
    throw new InputError(
      `${file}: expected one Rollout document, found ${manifests.map((m) => m.object.kind).join(', ')}`,
    );
  }
  return manifests[0]!.object;
}

/** `strata group list|members`: saved selections of clusters. */
export function registerGroup(program: Command, ctx: CommandContext): void {
  const group = program
    .command('group')
    .description('Cluster groups: saved label selectors over clusters, with their live members')
    .addHelpText(
      'after',
      `
Create groups with "strata apply -f" (kind ClusterGroup, spec.selector: a label selector). A group in a project
selects that project's clusters; a tenant group (no --project) selects across projects (spec.projects limits it).`,
    );
  group
    .command('list')
    .description('List the groups')
    .option('-o, --output <format>', 'table | json | yaml | name', 'table')
    .action(async (options) => {
      const format = parseFormat(options.output, ['table', 'json', 'yaml', 'name']);
      const { client, project } = await target(ctx, ClusterGroupKind);
      const list = await client.listAll(ClusterGroupKind, { project, signal: ctx.signal });
      ctx.out(formatList(list, format, { kind: 'ClusterGroup', showProject: false, now: ctx.now() }));
    });
  group
    .command('members')
    .description('The clusters a group selects now')
    .argument('<name>', 'group name')
    .option('-o, --output <format>', 'table | json | yaml', 'table')
    .addHelpText(
      'after',
      '\nExamples:\n  strata group members eu-prod -p retail\n  strata group members all-prod -o json',
    )
    .action(async (name, options) => {
      const format = parseFormat(options.output, ['table', 'json', 'yaml']);
      const { client, project } = await target(ctx, ClusterGroupKind);
      const members = await client.fleet.members(name, { project, signal: ctx.signal });
      if (format !== 'table') return ctx.out(toFormat(members, format));
      ctx.out(membersTable(members.items));
      ctx.err(`${members.count} cluster(s)\n`);
    });
}

/** `strata rollout plan|start|status|pause|resume|abort|rollback`. */
export function registerRollout(program: Command, ctx: CommandContext): void {
  const rollout = program
    .command('rollout')
    .description('Change many clusters at once: canary, batches, health gates; pause, abort, roll back')
    .addHelpText(
      'after',
      `
A Rollout names its clusters (spec.target: a group or a selector) and one change (spec.change: a profile
version, variables, policy or Kubernetes version), and how to roll it (spec.strategy). See docs/reference/fleet.md.`,
    );

  rollout
    .command('plan')
    .description('Show what a rollout would do to each cluster, by batch and outcome; changes nothing')
    .requiredOption('-f, --filename <file>', 'the Rollout, YAML or JSON; "-" for stdin')
    .option('-o, --output <format>', 'text | json | yaml', 'text')
    .addHelpText(
      'after',
      '\nExamples:\n  strata rollout plan -f base-1.5.yaml -p retail\n  strata rollout plan -f base-1.5.yaml -o json',
    )
    .action(async (options) => {
      const format = parseFormat(options.output, FORMATS);
      const object = await readRollout(ctx, options.filename);
      const { client, project } = await target(ctx, RolloutKind, object.metadata.project);
      const plan = await client.fleet.plan(object, { project, signal: ctx.signal });
      ctx.out(format === 'text' ? rolloutPlanText(plan) : toFormat(plan, format));
    });

  rollout
    .command('start')
    .description('Show the plan, then create the rollout (the server rolls it batch by batch)')
    .requiredOption('-f, --filename <file>', 'the Rollout, YAML or JSON; "-" for stdin')
    .option('-y, --yes', 'start without asking for confirmation')
    .option('-o, --output <format>', 'text | json | yaml (json and yaml need --yes)', 'text')
    .action(async (options) => {
      const format = parseFormat(options.output, FORMATS);
      if (format !== 'text' && !options.yes)
        throw new UsageError(`-o ${format} needs --yes: there is no confirmation prompt for it`);
      const object = await readRollout(ctx, options.filename);
      const { client, project } = await target(ctx, RolloutKind, object.metadata.project);
      if (!options.yes) {
        ctx.out(rolloutPlanText(await client.fleet.plan(object, { project, signal: ctx.signal })));
        if (!ctx.io.stdin.isTTY)
          throw new UsageError('not starting without confirmation: stdin is not a terminal; pass --yes');
        if (!(await confirm(ctx.io, `Start rollout ${object.metadata.name}?`))) {
          ctx.err('Not started; nothing was changed.\n');
          ctx.exitCode = ExitCode.Error;
          return;
        }
      }
      const created = await client.create<Rollout>(
        { ...object, metadata: { ...object.metadata, ...(project ? { project } : {}) } },
        { signal: ctx.signal },
      );
      if (format !== 'text') return ctx.out(toFormat(created, format));
      ctx.out(
        `rollout/${created.metadata.name} started; follow it with "strata rollout status ${created.metadata.name} --watch"\n`,
      );
    });

  rollout
    .command('status')
    .description('The rollout: a progress bar per batch, the failing clusters and why')
    .argument('<name>', 'rollout name')
    .option('-w, --watch', 'keep showing it until the rollout finishes, halts or is paused')
    .option('--interval <seconds>', 'with --watch: seconds between looks', '2')
    .option('-o, --output <format>', 'text | json | yaml', 'text')
    .action(async (name, options) => {
      const format = parseFormat(options.output, FORMATS);
      const { client, project } = await target(ctx, RolloutKind);
      const interval = Number(options.interval);
      if (!Number.isFinite(interval) || interval < 0.1)
        throw new UsageError('--interval must be a number of seconds ≥ 0.1');
      let last = '';
      for (;;) {
        const r = await client.get<Rollout>(RolloutKind, name, { project, signal: ctx.signal });
        const text = format === 'text' ? rolloutStatusText(name, r.status) : toFormat(r.status, format);
        if (text !== last) ctx.out(text);
        last = text;
        const phase = r.status.phase;
        const settled =
          phase !== undefined &&
          (FINISHED_ROLLOUT_PHASES.includes(phase) || phase === 'Halted' || phase === 'Paused');
        if (!options.watch || settled) {
          if (phase === 'Halted' || phase === 'Aborted') ctx.exitCode = ExitCode.Error;
          return;
        }
        await sleep(interval * 1000, ctx.signal);
      }
    });

  rollout
    .command('updates')
    .description('Clusters on outdated profile versions, grouped by profile and version')
    .option('-o, --output <format>', 'table | json | yaml', 'table')
    .addHelpText(
      'after',
      '\nWith --project (or STRATA_PROJECT) only that project; otherwise every cluster you may list.\n\nExample:\n  strata rollout updates -o json',
    )
    .action(async (options) => {
      const format = parseFormat(options.output, ['table', 'json', 'yaml']);
      const settings = await ctx.settings();
      const client = await ctx.client();
      const project = settings.projectSource === 'config' ? undefined : settings.project;
      const updates = await client.fleet.updates({ project, signal: ctx.signal });
      if (format !== 'table') return ctx.out(toFormat(updates, format));
      ctx.out(updatesTable(updates.items));
      if (updates.items.length === 0) ctx.err('Every cluster runs the newest published versions.\n');
    });

  const switches: [string, string, Parameters<StrataClient['fleet']['set']>[1], string][] = [
    [
      'pause',
      'Start no new batch until resumed (batches under way finish their gate)',
      { paused: true },
      'paused',
    ],
    ['resume', 'Let a paused rollout go on', { paused: false }, 'resumed'],
    [
      'abort',
      'Stop for good: no further cluster is changed (cannot be undone)',
      { aborted: true },
      'aborted',
    ],
    [
      'rollback',
      'Restore the previous specs of the clusters it changed, through the same batches (cannot be undone)',
      { rollback: true },
      'rolling back',
    ],
  ];
  for (const [verb, description, change, done] of switches) {
    rollout
      .command(verb)
      .description(description)
      .argument('<name>', 'rollout name')
      .action(async (name) => {
        const { client, project } = await target(ctx, RolloutKind);
        await client.fleet.set(name, change, { project, signal: ctx.signal });
        ctx.out(`rollout/${name} ${done}\n`);
      });
  }
}
