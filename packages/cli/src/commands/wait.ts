import type { Command } from '@commander-js/extra-typings';
import { kindArg, versionArg, type CommandContext } from '../context.js';
import { parseDurationMs } from '../duration.js';
import { nameOf } from '../output/format.js';
import { projectFor } from '../project.js';
import { parseWaitCondition } from '../wait-condition.js';
import { waitFor } from '../waiter.js';

export function registerWait(program: Command, ctx: CommandContext): void {
  program
    .command('wait')
    .description('Wait until an object meets a condition or is deleted (exit code 4 on timeout)')
    .argument('<kind>', 'kind, plural or alias')
    .argument('<name>', 'object name')
    .requiredOption('--for <condition>', "delete | condition=TYPE[=STATUS] | jsonpath='{.path}'[=VALUE]")
    .option('--timeout <duration>', 'give up after this long (30s, 2m, 1h30m)', '30s')
    .option('--version <version>', 'for versioned kinds: the version to wait on')
    .addHelpText(
      'after',
      `
Examples:
  strata wait cluster shop-eu-1 --for=jsonpath='{.status.phase}'=Running --timeout 10m
  strata wait cluster shop-eu-1 --for=condition=Ready
  strata wait cluster shop-eu-1 --for=delete --timeout 5m`,
    )
    .action(async (kindName, name, options) => {
      const kind = kindArg(kindName);
      versionArg(kind, options.version);
      const condition = parseWaitCondition(options.for);
      const timeoutMs = parseDurationMs(options.timeout);
      const project = projectFor(kind, await ctx.settings());
      const client = await ctx.client();
      const object = await waitFor({
        client,
        kind,
        name,
        project,
        version: options.version,
        condition,
        timeoutMs,
        signal: ctx.signal,
      });
      const label = nameOf({
        kind: kind.kind,
        metadata: { name },
        spec: object?.spec ?? (options.version ? { version: options.version } : undefined),
      });
      ctx.out(condition.type === 'delete' ? `${label} deleted\n` : `${label} condition met\n`);
    });
}
