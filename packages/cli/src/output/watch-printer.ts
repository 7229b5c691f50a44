import type { Resource, WatchEvent } from '@strata/api';
import { columnsFor, rowFor, type Column } from './columns.js';
import { nameOf, toJson, toYaml, type OutputFormat, type TableContext } from './format.js';
import { columnWidths, renderTable } from './table.js';

/** Prints the objects of `get --watch` as they change, one row (or document) per event. */
export class WatchPrinter {
  private readonly format: OutputFormat;
  private readonly write: (text: string) => void;
  private readonly columns: Column[];
  private readonly widths: number[];
  private first = true;

  constructor(options: {
    format: OutputFormat;
    context: TableContext;
    initial: readonly Resource[];
    write: (text: string) => void;
  }) {
    this.format = options.format;
    this.write = options.write;
    // Columns are fixed up front (rows printed later must line up): every kind column, whether set yet or not.
    this.columns = columnsFor({ ...options.context, items: options.initial, allKindColumns: true });
    const headers = this.columns.map((c) => c.header);
    this.widths = columnWidths(
      headers,
      options.initial.map((o) => rowFor(this.columns, o)),
    ).map((w) => Math.max(w, 12));
    this.widths[0] = Math.max(this.widths[0]!, 24);
  }

  /** The objects listed before watching (printed with the header in table format). */
  printInitial(items: readonly Resource[]): void {
    if (this.format === 'table') {
      this.write(
        renderTable({
          headers: this.columns.map((c) => c.header),
          rows: items.map((o) => rowFor(this.columns, o)),
          widths: this.widths,
        }),
      );
      this.first = false;
      return;
    }
    for (const item of items) this.print(item);
  }

  event(event: WatchEvent<Resource>): void {
    if (event.type === 'BOOKMARK') return;
    this.print(event.object);
  }

  private print(object: Resource): void {
    switch (this.format) {
      case 'table':
        this.write(
          renderTable({
            headers: [],
            rows: [rowFor(this.columns, object)],
            widths: this.widths,
            showHeaders: false,
          }),
        );
        break;
      case 'name':
        this.write(`${nameOf(object)}\n`);
        break;
      case 'json':
        this.write(toJson(object));
        break;
      case 'yaml':
        this.write(`${this.first ? '' : '---\n'}${toYaml(object)}`);
        break;
    }
    this.first = false;
  }
}
