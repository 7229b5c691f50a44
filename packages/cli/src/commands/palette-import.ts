import type { Command } from '@commander-js/extra-typings';
import { ClusterProfileKind } from '@strata/api';
import { readFile, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { CommandContext } from '../context.js';
import { InputError, UsageError } from '../exit-codes.js';
import { formatPackImport, formatProfileImport } from '../output/import-report.js';
import { parseFormat, toJson, toYaml } from '../output/format.js';
import { isPackArchive, readPackArchive } from '../pack-archive.js';
import { readPackDirectory } from '../pack-files.js';
import { projectFor } from '../project.js';

const MAX_PROFILE_BYTES = 4 * 1024 * 1024;

function checkFrom(from: string): void {
  if (from !== 'palette') throw new UsageError(`--from ${from}: only "palette" is supported`);
}

/** `strata pack import --from palette DIR...`: converts Palette pack directories, one request each. */
export function addPackImport(pack: Command, ctx: CommandContext): void {
  pack
    .command('import')
    .description('Import Palette pack directories as Strata packs, with a report of what was converted')
    .argument(
      '<dir...>',
      'Palette pack directories (with pack.json), or .tar.gz / .tgz / .tar archives of one',
    )
    .requiredOption('--from <format>', 'the source format: palette')
    .option('--dry-run', 'convert and print the report; store nothing')
    .option('-o, --output <format>', 'text | json | yaml', 'text')
    .addHelpText(
      'after',
      `
Each directory (or archive of one) is read like "pack push" reads one (at most 500 files and 16 MiB, unpacked) and
converted by the server:
layer, chart or manifests, values, presets, schema hints, dependencies and cloud types. The report lists every
translated or left-out path and why (docs/reference/palette-import.md). A pack that cannot be converted exits 1
with STRATA_IMPORT_UNMAPPED and each problem; the other directories are still imported.

Examples:
  strata pack import --from palette ./palette-packs/nginx-1.9.4 --dry-run
  strata pack import --from palette ./palette-packs/*`,
    )
    .action(async (dirs, options) => {
      checkFrom(options.from);
      const format = parseFormat(options.output, ['text', 'json', 'yaml']);
      const client = await ctx.client();
      const results = [];
      let failed: unknown;
      for (const dir of dirs) {
        try {
          const { files, source } = isPackArchive(dir)
            ? await readPackArchive(dir)
            : { files: await readPackDirectory(dir), source: basename(resolve(dir)) };
          const r = await client.importPalettePack(files, {
            source,
            dryRun: options.dryRun === true,
            signal: ctx.signal,
          });
          results.push(r);
          if (format === 'text') ctx.out(formatPackImport(r, options.dryRun === true));
          if (r.action === 'not-convertible') failed ??= new InputError(`${dir}: cannot be imported`);
        } catch (err) {
          if (dirs.length === 1) throw err;
          ctx.err(`${dir}: ${(err as Error).message}\n`);
          failed ??= err;
        }
      }
      if (format !== 'text') ctx.out(format === 'json' ? toJson(results) : toYaml(results));
      if (failed)
        throw failed instanceof InputError ? failed : new InputError('some packs were not imported');
    });
}

/** `strata profile import --from palette FILE`: draft profiles from export YAML, import JSON or Terraform. */
export function addProfileImport(profile: Command, ctx: CommandContext): void {
  profile
    .command('import')
    .description('Import Palette cluster profiles (export YAML, import JSON or Terraform) as draft profiles')
    .argument('<file>', 'the Palette profile file')
    .requiredOption('--from <format>', 'the source format: palette')
    .option('--format <format>', 'yaml | json | hcl (default: detected from the text)')
    .option('--version <version>', "the drafts' version when the file has none", '1.0.0')
    .option('--dry-run', 'convert, validate and print the report; store nothing')
    .option('-o, --output <format>', 'text | json | yaml', 'text')
    .addHelpText(
      'after',
      `
Import the packs first ("strata pack import"): layers reference packs by name and version, imported or built-in.
All or nothing: if any profile cannot be converted or is not valid, nothing is stored and every problem is
listed (exit 1); --dry-run shows the conversion report and the validation problems of each profile.

Examples:
  strata profile import --from palette prod-aws.yaml -p retail --dry-run
  strata profile import --from palette profiles.tf`,
    )
    .action(async (file, options) => {
      checkFrom(options.from);
      const format = parseFormat(options.output, ['text', 'json', 'yaml']);
      const source = options.format ? parseFormat(options.format, ['yaml', 'json', 'hcl']) : undefined;
      const text = await readProfileFile(file);
      const project = projectFor(ClusterProfileKind, await ctx.settings());
      const client = await ctx.client();
      const r = await client.importPaletteProfiles(
        {
          text,
          ...(source ? { format: source } : {}),
          version: options.version,
          ...(options.dryRun ? { dryRun: true } : {}),
          ...(project ? { project } : {}),
        },
        { signal: ctx.signal },
      );
      ctx.out(
        format === 'json'
          ? toJson(r)
          : format === 'yaml'
            ? toYaml(r)
            : formatProfileImport(r, options.dryRun === true),
      );
      if (
        r.items.some((i) => i.action === 'invalid' || i.action === 'not-convertible') ||
        r.items.length === 0
      )
        throw new InputError('some profiles would not be imported');
    });
}

async function readProfileFile(file: string): Promise<string> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    throw new InputError(`${file}: no such file`);
  }
  if (size > MAX_PROFILE_BYTES) throw new InputError(`${file}: larger than 4 MiB`);
  return readFile(file, 'utf8');
}
