import { Badge, Code, Table, Text } from '@mantine/core';
import type { LayerFieldChange, ValueChange } from '@strata/api';
import { showValue } from '../lib/format';

const TYPE_COLOR = { added: 'green', removed: 'red', changed: 'yellow' } as const;

/** Structured value changes: one row per path, old and new value side by side. */
export function ValueChanges({ changes, caption }: { changes: readonly ValueChange[]; caption: string }) {
  if (changes.length === 0) return null;
  return (
    <Table withTableBorder striped fz="xs" aria-label={caption}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Path</Table.Th>
          <Table.Th>Change</Table.Th>
          <Table.Th>From</Table.Th>
          <Table.Th>To</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {changes.map((c) => (
          <Table.Tr key={`${c.path}-${c.type}`}>
            <Table.Td>
              <Code>{c.path}</Code>
            </Table.Td>
            <Table.Td>
              <Badge size="xs" variant="light" color={TYPE_COLOR[c.type]}>
                {c.type}
              </Badge>
            </Table.Td>
            <Table.Td className="mono">{c.type === 'added' ? '' : showValue(c.from)}</Table.Td>
            <Table.Td className="mono">{c.type === 'removed' ? '' : showValue(c.to)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

export function FieldChanges({ fields }: { fields: readonly LayerFieldChange[] }) {
  if (fields.length === 0) return null;
  return (
    <Text size="sm" component="div">
      {fields.map((f) => (
        <div key={f.field}>
          <Code>{f.field}</Code>: {showValue(f.from)} → {showValue(f.to)}
        </div>
      ))}
    </Text>
  );
}
