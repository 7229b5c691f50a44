import type { Command } from '@commander-js/extra-typings';
import { isStrataError } from '@strata/api';
import { kindArg, versionArg, type CommandContext } from '../context.js';
import { parseDurationMs } from '../duration.js';
import { nameOf } from '../output/format.js';
import { projectFor } from '../project.js';
import { waitFor } from '../waiter.js';
import { DRY_RUN_HELP, dryRunSuffix, parseDryRun } from '../dry-run.js';
import { UsageError } from '../exit-codes.js';

export function registerDelete(program: Command, ctx: CommandContext): void {
  program
    .command('delete')
    .description('Delete an object (objects with finalizers stay, marked deleting, until controllers finish)')
    .argument('<kind>', 'kind, plural or alias')
    .argument('<name>', 'object name')
    .option('--wait', 'wait until the object is gone')
    .option('--timeout <duration>', 'with --wait: give up after this long', '60s')
    .option('--version <version>', 'for versioned kinds: delete only this version')
    .option('--ignore-not-found', 'succeed when the object does not exist')
    .option('--dry-run [mode]', DRY_RUN_HELP)
    .addHelpText(
      'after',
      `
Examples:
  strata delete cluster shop-eu-1 -p retail
  strata delete cluster shop-eu-1 -p retail --wait --timeout 10m
  strata delete project retail --dry-run=server   # would it be allowed? nothing is deleted`,
    )
    .action(async (kindName, name, options) => {
      const kind = kindArg(kindName);
      versionArg(kind, options.version);
      const timeoutMs = options.wait ? parseDurationMs(options.timeout) : 0;
      const dryRun = parseDryRun(options.dryRun);
      if (dryRun && options.wait) throw new UsageError('--wait cannot be combined with --dry-run');
      const project = projectFor(kind, await ctx.settings());
      const client = await ctx.client();
      let deleted;
      try {
        deleted = await client.delete(kind, name, {
          project,
          version: options.version,
          dryRun,
          signal: ctx.signal,
        });
      } catch (err) {
        if (options.ignoreNotFound && isStrataError(err) && err.code === 'STRATA_NOT_FOUND') return;
        throw err;
      }
      const label = nameOf(deleted);
      const pending =
        deleted.metadata.deletedAt !== undefined && (deleted.metadata.finalizers?.length ?? 0) > 0;
      if (!pending) {
        ctx.out(`${label} deleted${dryRunSuffix(dryRun)}\n`);
        return;
      }
      ctx.out(
        `${label} deletion requested (waiting for finalizers: ${deleted.metadata.finalizers.join(', ')})${dryRunSuffix(dryRun)}\n`,
      );
      if (!options.wait) return;
      await waitFor({
        client,
        kind,
        name,
        project,
        version: options.version,
        condition: { type: 'delete' },
        timeoutMs,
        signal: ctx.signal,
      });
      ctx.out(`${label} deleted\n`);
    });
}
