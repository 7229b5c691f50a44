import type { Command } from '@commander-js/extra-typings';
import { ClusterProfileKind, type Resource } from '@strata/api';
import type { CommandContext } from '../context.js';
import { nameOf, parseFormat, toJson, toYaml } from '../output/format.js';
import { DIFF_FORMATS, formatProfileDiff, type ProfileDiff } from '../output/profile-diff.js';
import { projectFor } from '../project.js';
import { resolveRequest } from '../resolve-input.js';
import { addProfileImport } from './palette-import.js';

const kind = ClusterProfileKind;
const collect = (value: string, previous: string[]) => [...previous, value];

/** `strata profile publish|clone|diff|resolve`: the version actions of ClusterProfile. */
export function registerProfile(program: Command, ctx: CommandContext): void {
  const profile = program
    .command('profile')
    .description('Publish, clone, compare and preview versions of a cluster profile')
    .addHelpText(
      'after',
      `
ClusterProfiles live in a project or tenant-wide: --project / STRATA_PROJECT address a project's profile,
otherwise the tenant-wide one (a default project from "strata login --project" is not used).`,
    );

  profile
    .command('publish')
    .description('Publish a draft version; it becomes immutable (edit by cloning it)')
    .argument('<name>', 'profile name')
    .requiredOption('--version <version>', 'the draft version to publish')
    .addHelpText('after', '\nExample:\n  strata profile publish web -p retail --version 1.0.0')
    .action(async (name, options) => {
      const project = projectFor(kind, await ctx.settings());
      const client = await ctx.client();
      const published = await client.action<Resource>(kind, name, 'publish', undefined, {
        project,
        version: options.version,
        signal: ctx.signal,
      });
      ctx.out(`${nameOf(published)} published\n`);
    });

  profile
    .command('clone')
    .description('Make a new draft version from an existing version')
    .argument('<name>', 'profile name')
    .requiredOption('--from <version>', 'the version to copy')
    .requiredOption('--to <version>', 'the new draft version')
    .addHelpText('after', '\nExample:\n  strata profile clone web -p retail --from 1.0.0 --to 1.1.0')
    .action(async (name, options) => {
      const project = projectFor(kind, await ctx.settings());
      const client = await ctx.client();
      const created = await client.action<Resource>(
        kind,
        name,
        'clone',
        { version: options.to },
        { project, version: options.from, signal: ctx.signal },
      );
      ctx.out(`${nameOf(created)} created (draft)\n`);
    });

  profile
    .command('diff')
    .description('Compare two versions: layers added, removed, moved and changed (with values diffs)')
    .argument('<name>', 'profile name')
    .argument('<from>', 'the older version')
    .argument('<to>', 'the newer version')
    .option('-o, --output <format>', 'text | json | yaml', 'text')
    .addHelpText(
      'after',
      `
Text output: "+" added, "-" removed, ">" moved and "~" changed layers (positions are 1-based), then variables
and profile fields. Exits 0 whether or not the versions differ.

Example:
  strata profile diff web 1.0.0 1.1.0 -p retail`,
    )
    .action(async (name, from, to, options) => {
      const format = parseFormat(options.output, DIFF_FORMATS);
      const project = projectFor(kind, await ctx.settings());
      const client = await ctx.client();
      const diff = await client.action<ProfileDiff>(
        kind,
        name,
        'diff',
        { from, to },
        { project, signal: ctx.signal },
      );
      ctx.out(formatProfileDiff(diff, format));
    });

  profile
    .command('resolve')
    .description('Preview the resolved stack of a version for given variable values')
    .argument('<name>', 'profile name')
    .requiredOption('--version <version>', 'the version to resolve')
    .option(
      '--set <name=value>',
      'a variable value (repeatable; wins over --values-file)',
      collect,
      [] as string[],
    )
    .option(
      '--values-file <file>',
      'YAML/JSON with variables, overrides (per layer) and system values; "-" for stdin',
    )
    .option('-o, --output <format>', 'yaml | json', 'yaml')
    .addHelpText(
      'after',
      `
Prints the resolved stack: each layer's final values, rendered manifests or Helm release, and content hashes.
The same input always gives byte-identical output. Invalid or missing variables exit 1 with every issue.

Examples:
  strata profile resolve web -p retail --version 1.1.0 --set team=payments
  strata profile resolve web --version 1.1.0 --values-file preview.yaml -o json`,
    )
    .action(async (name, options) => {
      const format = parseFormat(options.output, ['yaml', 'json']);
      const body = await resolveRequest(options, ctx.io);
      const project = projectFor(kind, await ctx.settings());
      const client = await ctx.client();
      const stack = await client.action(kind, name, 'resolve', body, {
        project,
        version: options.version,
        signal: ctx.signal,
      });
      ctx.out(format === 'json' ? toJson(stack) : toYaml(stack));
    });

  addProfileImport(profile, ctx);
}
