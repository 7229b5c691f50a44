import type { Command } from '@commander-js/extra-typings';
import { API_VERSION, type KindDefinition, type ListResult, type Resource } from '@strata/api';
import { isUnreachable, type StrataClient } from '@strata/client';
import { kindArg, versionArg, type CommandContext } from '../context.js';
import { UsageError } from '../exit-codes.js';
import { formatList, formatObject, parseOutputFormat, type TableContext } from '../output/format.js';
import { WatchPrinter } from '../output/watch-printer.js';
import { projectFor } from '../project.js';

export function registerGet(program: Command, ctx: CommandContext): void {
  program
    .command('get')
    .description('List objects of a kind, or show one')
    .argument('<kind>', 'kind, plural or alias (e.g. project, clusterprofiles, profile)')
    .argument('[name]', 'show only this object')
    .option('-o, --output <format>', 'table | yaml | json | name', 'table')
    .option('-l, --selector <selector>', 'label selector: env=prod,tier!=web,region in (a,b),!legacy')
    .option('-w, --watch', 'after printing, keep printing changes until interrupted')
    .option('-A, --all-projects', 'list across every project you can see (adds a PROJECT column)')
    .option('--version <version>', 'for versioned kinds: the version to show')
    .addHelpText(
      'after',
      `
Examples:
  strata get projects
  strata get clusterprofiles -p retail -o yaml
  strata get profile base --version 1.2.0 -o json
  strata get apikeys -l team=platform -o name
  strata get clusters -A --watch`,
    )
    .action(async (kindName, name, options) => {
      const kind = kindArg(kindName);
      versionArg(kind, options.version);
      const format = parseOutputFormat(options.output);
      if (options.allProjects && name)
        throw new UsageError('--all-projects lists objects; it cannot be combined with a NAME');
      if (options.allProjects && options.watch)
        throw new UsageError('--watch cannot be combined with --all-projects');
      if (options.allProjects && kind.scope !== 'project' && kind.scope !== 'tenant-or-project') {
        throw new UsageError(`${kind.kind} does not live in projects; drop --all-projects`);
      }
      const project = options.allProjects ? undefined : projectFor(kind, await ctx.settings());
      const client = await ctx.client();
      const tableContext = (items: readonly Resource[]): TableContext => ({
        kind: kind.kind,
        showProject:
          Boolean(options.allProjects) ||
          (kind.scope === 'tenant-or-project' && items.some((i) => i.metadata.project)),
        now: ctx.now(),
      });
      let list: ListResult<Resource>;
      if (name) {
        const object = await client.get(kind, name, {
          project,
          version: options.version,
          signal: ctx.signal,
        });
        if (!options.watch) {
          ctx.out(formatObject(object, format, tableContext([object])));
          return;
        }
        list = {
          apiVersion: API_VERSION,
          kind: 'List',
          items: [object],
          resourceVersion: object.metadata.resourceVersion,
        };
      } else {
        list = options.allProjects
          ? await listAllProjects(ctx, client, kind, options.selector)
          : await client.listAll(kind, { project, labelSelector: options.selector, signal: ctx.signal });
        if (!options.watch) {
          ctx.out(formatList(list, format, tableContext(list.items)));
          if (format === 'table' && list.items.length === 0)
            ctx.err(`No ${kind.plural} found${project ? ` in project ${project}` : ''}.\n`);
          return;
        }
      }
      const printer = new WatchPrinter({
        format,
        context: tableContext(list.items),
        initial: list.items,
        write: (t) => ctx.out(t),
      });
      printer.printInitial(list.items);
      const events = client.watch(kind, {
        project,
        labelSelector: options.selector,
        resourceVersion: list.resourceVersion,
        relistOnGone: true,
        signal: ctx.signal,
      });
      for await (const event of events) {
        if (name && event.object.metadata.name !== name) continue;
        printer.event(event);
      }
    });
}

/** Lists a kind in every project (and at tenant scope for tenant-or-project kinds); per-project failures are warnings. */
async function listAllProjects(
  ctx: CommandContext,
  client: StrataClient,
  kind: KindDefinition,
  labelSelector: string | undefined,
): Promise<ListResult<Resource>> {
  const projects = await client.listAll('project', { signal: ctx.signal });
  const scopes: (string | undefined)[] = kind.scope === 'tenant-or-project' ? [undefined] : [];
  scopes.push(...projects.items.map((p) => p.metadata.name));
  const items: Resource[] = [];
  for (const project of scopes) {
    try {
      const list = await client.listAll(kind, { project, labelSelector, signal: ctx.signal });
      // A project's list may include the tenant-wide objects it can see; each object is shown once, in its own scope.
      items.push(...list.items.filter((i) => i.metadata.project === project));
    } catch (err) {
      if (isUnreachable(err)) throw err;
      ctx.err(
        `warning: ${project ? `project ${project}` : 'tenant scope'}: ${err instanceof Error ? err.message : String(err)}\n`,
      );
    }
  }
  return { apiVersion: API_VERSION, kind: 'List', items, resourceVersion: projects.resourceVersion };
}
