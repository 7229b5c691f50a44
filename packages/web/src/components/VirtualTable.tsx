import { Box, Text } from '@mantine/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useRef, type ReactNode } from 'react';

export interface Column<T> {
  key: string;
  header: string;
  /** CSS grid track, e.g. "2fr" or "120px". */
  width: string;
  render: (row: T) => ReactNode;
}

export interface VirtualTableProps<T> {
  rows: readonly T[];
  columns: readonly Column<T>[];
  rowKey: (row: T) => string;
  label: string;
  height?: number | string;
  rowHeight?: number;
  empty?: ReactNode;
}

/**
 * A table that renders only the rows in view (TanStack Virtual), so 5,000 clusters scroll smoothly. It keeps table
 * semantics for assistive technology (role=table/row/cell with aria-rowcount and aria-rowindex).
 */
interface VirtualRowProps<T> {
  row: T;
  index: number;
  start: number;
  size: number;
  template: string;
  columns: readonly Column<T>[];
}

/** One row; memoized, so scrolling renders only the rows that come into view (props of the others do not change). */
const VirtualRow = memo(function VirtualRow<T>({
  row,
  index,
  start,
  size,
  template,
  columns,
}: VirtualRowProps<T>) {
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      className="vrow"
      style={{
        gridTemplateColumns: template,
        position: 'absolute',
        top: 0,
        left: 0,
        right: 0,
        height: size,
        transform: `translateY(${start}px)`,
      }}
    >
      {columns.map((c) => (
        <div role="cell" key={c.key} style={{ minWidth: 0, overflow: 'hidden' }}>
          {c.render(row)}
        </div>
      ))}
    </div>
  );
}) as <T>(props: VirtualRowProps<T>) => ReactNode;

export function VirtualTable<T>({
  rows,
  columns,
  rowKey,
  label,
  height = '70vh',
  rowHeight = 48,
  empty,
}: VirtualTableProps<T>) {
  const scrollRef = useRef<HTMLDivElement>(null);
  // TanStack Virtual returns functions that React Compiler must not memoize; this component opts out by design.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 12,
  });
  const template = columns.map((c) => c.width).join(' ');
  return (
    <Box
      role="table"
      aria-label={label}
      aria-rowcount={rows.length + 1}
      style={{ border: '1px solid var(--mantine-color-default-border)', borderRadius: 8 }}
    >
      <div role="rowgroup">
        <div
          role="row"
          aria-rowindex={1}
          className="vrow vhead"
          style={{ gridTemplateColumns: template, height: 40 }}
        >
          {columns.map((c) => (
            <div role="columnheader" key={c.key}>
              {c.header}
            </div>
          ))}
        </div>
      </div>
      <div
        ref={scrollRef}
        role="rowgroup"
        tabIndex={0}
        aria-label={`${label}: rows`}
        style={{ height, overflowY: 'auto', position: 'relative' }}
        data-testid="virtual-rows"
      >
        {rows.length === 0 ? (
          <Text p="md" c="dimmed">
            {empty ?? 'Nothing to show.'}
          </Text>
        ) : (
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {virtualizer.getVirtualItems().map((item) => {
              const row = rows[item.index]!;
              return (
                <VirtualRow
                  key={rowKey(row)}
                  row={row}
                  index={item.index}
                  start={item.start}
                  size={item.size}
                  template={template}
                  columns={columns}
                />
              );
            })}
          </div>
        )}
      </div>
    </Box>
  );
}
