import { API_VERSION, findKind, type ListResult, type Resource } from '@strata/api';
import { stringify } from 'yaml';
import { UsageError } from '../exit-codes.js';
import { columnsFor, rowFor } from './columns.js';
import { renderTable } from './table.js';

export const OUTPUT_FORMATS = ['table', 'yaml', 'json', 'name'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export function parseOutputFormat(value: string | undefined): OutputFormat {
  const format = value ?? 'table';
  if ((OUTPUT_FORMATS as readonly string[]).includes(format)) return format as OutputFormat;
  throw new UsageError(`unknown output format "${format}": use one of ${OUTPUT_FORMATS.join(', ')}`);
}

/** An `-o` value from a command's own list of formats; the first one is the default. */
export function parseFormat<T extends string>(value: string | undefined, allowed: readonly [T, ...T[]]): T {
  const format = value ?? allowed[0];
  if ((allowed as readonly string[]).includes(format)) return format as T;
  throw new UsageError(`unknown output format "${format}": use one of ${allowed.join(', ')}`);
}

/** `kind/name`, lowercase kind; versioned kinds add `@version`: `clusterprofile/base@1.2.0`. */
export function nameOf(object: {
  kind?: string | undefined;
  metadata: { name: string };
  spec?: unknown;
}): string {
  const kind = findKind(object.kind ?? '');
  const version = (object.spec as { version?: unknown } | undefined)?.version;
  const suffix = kind?.versioned && typeof version === 'string' ? `@${version}` : '';
  return `${(kind?.kind ?? object.kind ?? 'object').toLowerCase()}/${object.metadata.name}${suffix}`;
}

export function toYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0 });
}

export function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** A server response as it was sent, for `-o json|yaml`. */
export function toFormat(value: unknown, format: 'json' | 'yaml'): string {
  return format === 'json' ? toJson(value) : toYaml(value);
}

export interface TableContext {
  kind: string;
  showProject: boolean;
  now: Date;
}

/** A list in any output format; `-o json|yaml` prints a List object. */
export function formatList(list: ListResult<Resource>, format: OutputFormat, context: TableContext): string {
  switch (format) {
    case 'json':
      return toJson(asList(list));
    case 'yaml':
      return toYaml(asList(list));
    case 'name':
      return list.items.map((o) => `${nameOf(o)}\n`).join('');
    case 'table': {
      if (list.items.length === 0) return '';
      const columns = columnsFor({ ...context, items: list.items });
      return renderTable({
        headers: columns.map((c) => c.header),
        rows: list.items.map((o) => rowFor(columns, o)),
      });
    }
  }
}

/** One object in any output format; `-o json|yaml` prints the object itself. */
export function formatObject(object: Resource, format: OutputFormat, context: TableContext): string {
  switch (format) {
    case 'json':
      return toJson(object);
    case 'yaml':
      return toYaml(object);
    case 'name':
      return `${nameOf(object)}\n`;
    case 'table':
      return formatList(
        {
          apiVersion: API_VERSION,
          kind: 'List',
          items: [object],
          resourceVersion: object.metadata.resourceVersion,
        },
        'table',
        context,
      );
  }
}

function asList(list: ListResult<Resource>): ListResult<Resource> {
  return {
    apiVersion: API_VERSION,
    kind: 'List',
    items: list.items,
    resourceVersion: list.resourceVersion,
    ...(list.continue ? { continue: list.continue } : {}),
  };
}
