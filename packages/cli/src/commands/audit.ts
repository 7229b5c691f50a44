import type { Command } from '@commander-js/extra-typings';
import type { Resource } from '@strata/api';
import type { CommandContext } from '../context.js';
import { parseDurationMs } from '../duration.js';
import { UsageError } from '../exit-codes.js';

interface AuditSpec {
  at: string;
  actor: string;
  verb: string;
  object: { kind: string; name: string; project?: string };
  outcome: string;
  requestId?: string;
  detail?: string;
}

const COLUMNS = ['at', 'actor', 'verb', 'kind', 'project', 'name', 'outcome', 'requestId', 'detail'] as const;

/** `--since`: an RFC 3339 time, or a duration back from now (`24h`, `30m`; `7d` for days). */
export function sinceTime(text: string, now: number): Date {
  const days = /^(\d+)d$/.exec(text.trim());
  if (days) return new Date(now - Number(days[1]) * 86_400_000);
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    const t = Date.parse(text);
    if (Number.isNaN(t)) throw new UsageError(`--since: "${text}" is not a valid time`);
    return new Date(t);
  }
  return new Date(now - parseDurationMs(text));
}

/** One CSV field (RFC 4180): quoted when it holds a comma, quote or line break; a leading =+-@ is defused. */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function row(spec: AuditSpec): Record<(typeof COLUMNS)[number], string> {
  return {
    at: spec.at,
    actor: spec.actor,
    verb: spec.verb,
    kind: spec.object.kind,
    project: spec.object.project ?? '',
    name: spec.object.name,
    outcome: spec.outcome,
    requestId: spec.requestId ?? '',
    detail: spec.detail ?? '',
  };
}

export function registerAudit(program: Command, ctx: CommandContext): void {
  const audit = program.command('audit').description("Read the tenant's audit log");
  audit
    .command('export')
    .description('Write audit entries since a time as JSON lines or CSV (oldest first), e.g. for a SIEM')
    .requiredOption('--since <time>', 'an RFC 3339 time, or how long back: 30m, 24h, 7d')
    .option('--format <format>', 'jsonl or csv', 'jsonl')
    .option(
      '--all-projects',
      "the tenant's entries and those of every project you may read (default: tenant-wide only, or --project's)",
    )
    .addHelpText(
      'after',
      `
Examples:
  strata audit export --since 24h > audit.jsonl
  strata audit export --since 2026-01-01T00:00:00Z --format csv --all-projects > audit.csv`,
    )
    .action(async (options) => {
      if (options.format !== 'jsonl' && options.format !== 'csv')
        throw new UsageError(`--format must be jsonl or csv, not "${options.format}"`);
      const since = sinceTime(options.since, Date.now());
      const client = await ctx.client();
      const project = ctx.flags().project ?? ctx.io.env.STRATA_PROJECT;
      const sources: (string | undefined)[] = [undefined];
      if (options.allProjects) {
        const projects = await client.listAll('Project', { signal: ctx.signal });
        sources.push(...projects.items.map((p) => p.metadata.name));
      } else if (project) sources.splice(0, 1, project);
      const entries: AuditSpec[] = [];
      for (const p of sources) {
        const list = await client.listAll<Resource>('AuditEntry', {
          ...(p ? { project: p } : {}),
          signal: ctx.signal,
        });
        for (const e of list.items) {
          const spec = e.spec as unknown as AuditSpec;
          // Tenant-wide lists include project entries the caller may see: keep each entry once, by its source.
          if (p === undefined && spec.object.project && options.allProjects) continue;
          if (Date.parse(spec.at) >= since.getTime()) entries.push(spec);
        }
      }
      entries.sort((a, b) => a.at.localeCompare(b.at));
      if (options.format === 'jsonl') {
        for (const e of entries) ctx.out(`${JSON.stringify(e)}\n`);
        return;
      }
      ctx.out(`${COLUMNS.join(',')}\n`);
      for (const e of entries) {
        const r = row(e);
        ctx.out(`${COLUMNS.map((c) => csvField(r[c])).join(',')}\n`);
      }
    });
}
