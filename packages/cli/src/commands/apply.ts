import type { Command } from '@commander-js/extra-typings';
import { isStrataError, type Issue } from '@strata/api';
import { isUnreachable } from '@strata/client';
import { kindArg, type CommandContext } from '../context.js';
import { ExitCode, InputError, UsageError } from '../exit-codes.js';
import { loadManifests, sortForApply, type Manifest } from '../manifests.js';
import { nameOf } from '../output/format.js';
import { projectFor } from '../project.js';
import { formatIssues } from '../report-error.js';
import type { Settings } from '../settings.js';
import { DRY_RUN_HELP, dryRunSuffix, parseDryRun } from '../dry-run.js';

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerApply(program: Command, ctx: CommandContext): void {
  program
    .command('apply')
    .description('Create or update objects from YAML/JSON files, directories (recursive) or stdin')
    .option(
      '-f, --filename <path>',
      'file, directory or "-" for stdin (repeatable, required)',
      collect,
      [] as string[],
    )
    .option('--dry-run [mode]', DRY_RUN_HELP)
    .addHelpText(
      'after',
      `
Every document is checked before anything is sent; one bad document stops the whole apply.
Objects are applied in dependency order (Tenant, Project, ... as in "strata get --help"), then file order.
Prints "kind/name created|configured|unchanged" per object.

Examples:
  strata apply -f cluster.yaml
  strata apply -f deploy/ -p retail
  cat objects.yaml | strata apply -f -
  strata apply -f deploy/ --dry-run=server   # every check, nothing stored`,
    )
    .action(async (options) => {
      if (options.filename.length === 0) throw new UsageError('give at least one -f FILE|DIR|-');
      const dryRun = parseDryRun(options.dryRun);
      const manifests = sortForApply(await loadManifests(options.filename, ctx.io));
      const settings = await ctx.settings();
      const projects = resolveProjects(manifests, settings);
      const client = await ctx.client();
      for (const [i, manifest] of manifests.entries()) {
        try {
          const result = await client.apply(manifest.object, {
            project: projects[i],
            dryRun,
            signal: ctx.signal,
          });
          ctx.out(`${nameOf(result.object)} ${result.action}${dryRunSuffix(dryRun)}\n`);
        } catch (err) {
          if (isUnreachable(err) || !isStrataError(err)) throw err;
          ctx.err(
            `error: ${nameOf(manifest.object)} (${manifest.location}): ${err.message}\n${formatIssues(err.issues)}code: ${err.code}\n`,
          );
          ctx.exitCode = ExitCode.Error;
        }
      }
    });
}

/** The project of every object, checked up front: a contradiction with --project stops everything. */
function resolveProjects(manifests: readonly Manifest[], settings: Settings): (string | undefined)[] {
  const issues: Issue[] = [];
  const projects = manifests.map((m) => {
    const own = m.object.metadata.project;
    if (own && settings.projectSource === 'flag' && settings.project !== own) {
      issues.push({
        path: `${m.location}/metadata/project`,
        message: `is "${own}" but --project is "${settings.project}"`,
      });
      return undefined;
    }
    try {
      return projectFor(kindArg(m.object.kind), settings, own);
    } catch (err) {
      issues.push({
        path: `${m.location}/metadata/project`,
        message: err instanceof Error ? err.message : String(err),
      });
      return undefined;
    }
  });
  if (issues.length > 0)
    throw new InputError(
      `${issues.length} object${issues.length === 1 ? ' has' : 's have'} no usable project; nothing was applied`,
      issues,
    );
  return projects;
}
