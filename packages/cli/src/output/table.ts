import Table from 'cli-table3';

const NO_BORDERS = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: '',
};
const GAP = 3;

/** Column widths that fit the header and every row, plus the gap between columns. */
export function columnWidths(headers: readonly string[], rows: readonly (readonly string[])[]): number[] {
  return headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)) + GAP);
}

export interface TableOptions {
  headers: readonly string[];
  rows: readonly (readonly string[])[];
  /** Fixed widths (e.g. to line up rows printed later by `get --watch`); computed when absent. */
  widths?: readonly number[];
  /** Print the header line. Default true. */
  showHeaders?: boolean;
}

/** A kubectl-style plain table: no borders, columns separated by spaces, no trailing whitespace. */
export function renderTable(options: TableOptions): string {
  const widths = [...(options.widths ?? columnWidths(options.headers, options.rows))];
  const last = widths.length - 1;
  if (last >= 0) widths[last] = Math.max(widths[last]!, 1) + 1;
  const table = new Table({
    chars: NO_BORDERS,
    style: { 'padding-left': 0, 'padding-right': 0, head: [], border: [], compact: true },
    colWidths: widths,
    wordWrap: false,
    truncate: '…',
  });
  if (options.showHeaders ?? true) table.push([...options.headers]);
  for (const row of options.rows) table.push([...row]);
  if (table.length === 0) return '';
  return `${table
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')}\n`;
}
