import type { Command } from '@commander-js/extra-typings';
import { GatewayKind } from '@strata/api';
import type { CommandContext } from '../context.js';
import { formatList, parseFormat, toFormat } from '../output/format.js';
import { gatewayText } from '../output/gateway-view.js';
import { projectFor } from '../project.js';

/** `strata gateway list|describe`: the management clusters that run Cluster API for Strata's clusters. */
export function registerGateway(program: Command, ctx: CommandContext): void {
  const gateway = program
    .command('gateway')
    .description('Gateways: management clusters running the Cluster API controllers, and their health')
    .addHelpText(
      'after',
      `
Create a gateway with "strata apply -f" (kind Gateway, spec.type: embedded), then assign clusters to it with their
spec.gateway (provider capi-dev). A project gateway serves its project; a tenant gateway (no --project) every
project. See docs/reference/gateways.md.`,
    );
  gateway
    .command('list')
    .description('List the gateways with their phase and readiness')
    .option('-o, --output <format>', 'table | json | yaml | name', 'table')
    .action(async (options) => {
      const format = parseFormat(options.output, ['table', 'json', 'yaml', 'name']);
      const settings = await ctx.settings();
      const client = await ctx.client();
      const list = await client.listAll(GatewayKind, {
        project: projectFor(GatewayKind, settings),
        signal: ctx.signal,
      });
      const showProject = list.items.some((g) => g.metadata.project);
      ctx.out(formatList(list, format, { kind: 'Gateway', showProject, now: ctx.now() }));
    });
  gateway
    .command('describe')
    .description('One gateway: phase, build progress, managers (version, ready, webhook), conditions')
    .argument('<name>', 'gateway name')
    .option('-o, --output <format>', 'text | json | yaml', 'text')
    .addHelpText(
      'after',
      '\nExamples:\n  strata gateway describe local\n  strata gateway describe dc1 -p retail -o json',
    )
    .action(async (name, options) => {
      const format = parseFormat(options.output, ['text', 'json', 'yaml']);
      const settings = await ctx.settings();
      const client = await ctx.client();
      const object = await client.get(GatewayKind, name, {
        project: projectFor(GatewayKind, settings),
        signal: ctx.signal,
      });
      ctx.out(format === 'text' ? gatewayText(object, ctx.now()) : toFormat(object, format));
    });
}
