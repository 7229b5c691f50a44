import { Badge, Table, Text } from '@mantine/core';
import type { ImportNote } from '@strata/client';

// Filled with the theme's auto contrast: the label meets 4.5:1 on each (axe-core checks the dialogs).
const COLOURS: Record<ImportNote['action'], string> = {
  translated: 'teal.9',
  dropped: 'yellow.5',
  error: 'red.9',
};

/** A conversion report: one row per source path, what happened to it and why (docs/reference/palette-import.md). */
export function ImportReport(props: {
  notes: readonly ImportNote[];
  issues?: readonly { path: string; message: string; code?: string }[];
  label: string;
}) {
  const issues = props.issues ?? [];
  if (props.notes.length === 0 && issues.length === 0)
    return (
      <Text c="dimmed" size="sm">
        Nothing to report.
      </Text>
    );
  return (
    <Table withTableBorder aria-label={props.label} fz="sm">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>What</Table.Th>
          <Table.Th>Path</Table.Th>
          <Table.Th>Why</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {props.notes.map((n, i) => (
          <Table.Tr key={`n${i}`}>
            <Table.Td>
              <Badge variant="filled" color={COLOURS[n.action]}>
                {n.action === 'dropped' ? 'left out' : n.action}
              </Badge>
            </Table.Td>
            <Table.Td ff="monospace">{n.path || '/'}</Table.Td>
            <Table.Td>{n.message}</Table.Td>
          </Table.Tr>
        ))}
        {issues.map((issue, i) => (
          <Table.Tr key={`i${i}`}>
            <Table.Td>
              <Badge variant="filled" color="red.9">
                invalid
              </Badge>
            </Table.Td>
            <Table.Td ff="monospace">{issue.path || '/'}</Table.Td>
            <Table.Td>
              {issue.message}
              {issue.code ? ` (${issue.code})` : ''}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** `15 translated, 14 left out, 0 errors`. */
export function noteCounts(notes: readonly ImportNote[]): string {
  const by = (a: ImportNote['action']) => notes.filter((n) => n.action === a).length;
  return `${by('translated')} translated, ${by('dropped')} left out, ${by('error')} errors`;
}
