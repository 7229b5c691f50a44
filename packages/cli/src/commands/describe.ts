import type { Command } from '@commander-js/extra-typings';
import { kindArg, versionArg, type CommandContext } from '../context.js';
import { describeObject } from '../output/describe.js';
import { projectFor } from '../project.js';

export function registerDescribe(program: Command, ctx: CommandContext): void {
  program
    .command('describe')
    .description('Show one object readably: metadata, spec, status and conditions')
    .argument('<kind>', 'kind, plural or alias')
    .argument('<name>', 'object name')
    .option('--version <version>', 'for versioned kinds: the version to show (default: latest)')
    .action(async (kindName, name, options) => {
      const kind = kindArg(kindName);
      versionArg(kind, options.version);
      const project = projectFor(kind, await ctx.settings());
      const client = await ctx.client();
      const object = await client.get(kind, name, { project, version: options.version, signal: ctx.signal });
      ctx.out(describeObject(object, ctx.now()));
    });
}
