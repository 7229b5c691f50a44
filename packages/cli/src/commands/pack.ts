import type { Command } from '@commander-js/extra-typings';
import { PackKind } from '@strata/api';
import type { CommandContext } from '../context.js';
import { formatList, nameOf, parseFormat, toJson, toYaml } from '../output/format.js';
import { describePack, packTable } from '../output/pack-view.js';
import { readPackDirectory } from '../pack-files.js';
import { addPackImport } from './palette-import.js';

const kind = PackKind;

/** `strata pack list|show|push`: the tenant's pack catalog. */
export function registerPack(program: Command, ctx: CommandContext): void {
  const pack = program
    .command('pack')
    .description('List, inspect and upload packs (the building blocks of profiles)');

  pack
    .command('list')
    .description('List the packs in the catalog (built-in and pushed)')
    .option('-o, --output <format>', 'table | json | yaml | name', 'table')
    .option('-l, --selector <selector>', 'label selector, e.g. strata.dev/builtin!=true')
    .addHelpText(
      'after',
      '\nExamples:\n  strata pack list\n  strata pack list -l strata.dev/builtin!=true -o name',
    )
    .action(async (options) => {
      const format = parseFormat(options.output, ['table', 'json', 'yaml', 'name']);
      const client = await ctx.client();
      const list = await client.listAll(kind, { labelSelector: options.selector, signal: ctx.signal });
      if (format !== 'table') {
        ctx.out(formatList(list, format, { kind: kind.kind, showProject: false, now: ctx.now() }));
        return;
      }
      ctx.out(packTable(list.items));
      if (list.items.length === 0) ctx.err('No packs found.\n');
    });

  pack
    .command('show')
    .description('Show a pack: layer, type, constraints, content, presets and default values')
    .argument('<name>', 'pack name')
    .option('--version <version>', 'the version to show (default: the newest)')
    .option('-o, --output <format>', 'text | yaml | json', 'text')
    .addHelpText(
      'after',
      '\nExamples:\n  strata pack show cilium\n  strata pack show ubuntu --version 24.04.1 -o yaml',
    )
    .action(async (name, options) => {
      const format = parseFormat(options.output, ['text', 'yaml', 'json']);
      const client = await ctx.client();
      const object = await client.get(kind, name, { version: options.version, signal: ctx.signal });
      ctx.out(format === 'json' ? toJson(object) : format === 'yaml' ? toYaml(object) : describePack(object));
    });

  pack
    .command('push')
    .description(
      'Upload a pack directory; the server validates it, and a name+version is immutable once pushed',
    )
    .argument('<dir>', 'the pack directory (with pack.yaml)')
    .addHelpText(
      'after',
      `
Reads every file below DIR (dot-directories skipped; at most 500 files and 16 MiB). Charts (.tgz) and other
binary files are sent base64-encoded. Prints "pack/NAME@VERSION created", or "unchanged" when the same content
was pushed before; other content under an existing name and version exits 1 with STRATA_IMMUTABLE, an invalid
pack exits 1 with STRATA_PACK_INVALID and every issue.

Example:
  strata pack push ./packs/team-namespaces/1.0.0`,
    )
    .action(async (dir) => {
      const files = await readPackDirectory(dir);
      const client = await ctx.client();
      const result = await client.pushPack(files, { signal: ctx.signal });
      ctx.out(`${nameOf(result.object)} ${result.action}\n`);
    });

  addPackImport(pack, ctx);
}
