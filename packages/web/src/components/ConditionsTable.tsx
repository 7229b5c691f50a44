import { Badge, Table, Text } from '@mantine/core';
import type { Condition } from '@strata/api';
import { timeAgo } from '../lib/format';

/** An object's conditions: type, status badge, reason, message and how long it has been so. */
export function ConditionsTable({ conditions }: { conditions: readonly Condition[] | undefined }) {
  if (!conditions?.length) {
    return (
      <Text size="sm" c="dimmed">
        No conditions reported yet.
      </Text>
    );
  }
  return (
    <Table fz="sm" aria-label="Conditions">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Type</Table.Th>
          <Table.Th>Status</Table.Th>
          <Table.Th>Reason</Table.Th>
          <Table.Th>Message</Table.Th>
          <Table.Th>Since</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {conditions.map((c) => (
          <Table.Tr key={c.type}>
            <Table.Td>{c.type}</Table.Td>
            <Table.Td style={{ whiteSpace: 'nowrap', minWidth: 96 }}>
              <Badge
                color={c.status === 'True' ? 'green' : c.status === 'False' ? 'red' : 'gray'}
                variant="light"
              >
                {c.status}
              </Badge>
            </Table.Td>
            <Table.Td>{c.reason}</Table.Td>
            <Table.Td>{c.message}</Table.Td>
            <Table.Td style={{ whiteSpace: 'nowrap' }}>{timeAgo(c.lastTransitionTime)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
