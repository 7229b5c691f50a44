import { Alert, Card, Table, Text, Title } from '@mantine/core';
import type { SelectedObject } from '@strata/api';
import type { GenerateProfileResult } from './import-api';
import { objectItem } from './workload-selection';

/** Which layer each discovered item (release, pack, selected object) became. */
export function MatchedItems({ matched }: { matched: GenerateProfileResult['matched'] }) {
  if (matched.length === 0) return null;
  return (
    <Card withBorder padding="sm" component="section" aria-label="Matched items">
      <Title order={3} size="h6" mb={4}>
        Described by a layer ({matched.length})
      </Title>
      <Table fz="sm" aria-label="Matched items">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Discovered</Table.Th>
            <Table.Th>Layer</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {matched.map((m, i) => (
            <Table.Tr key={`${i}:${m.item}->${m.layer}`}>
              <Table.Td>{m.item}</Table.Td>
              <Table.Td>{m.layer}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Card>
  );
}

/**
 * What the profile does not describe, with why. Selected objects the agent could not read (gone since discovery,
 * forbidden) come first, marked, and are summed up above the table: the user asked for them.
 */
export function UnmatchedItems({
  unmatched,
  requested,
}: {
  unmatched: GenerateProfileResult['unmatched'];
  /** The objects sent with the request. */
  requested: readonly SelectedObject[];
}) {
  const asked = new Set(requested.map(objectItem));
  const notCopied = unmatched.filter((u) => asked.has(u.item));
  const rows = [...notCopied, ...unmatched.filter((u) => !asked.has(u.item))];
  return (
    <Card withBorder padding="sm" component="section" aria-label="Unmatched items">
      <Title order={3} size="h6" mb={4}>
        Not in the profile ({unmatched.length})
      </Title>
      {notCopied.length > 0 && (
        <Alert color="orange" variant="light" mb="xs" data-testid="objects-not-copied">
          {notCopied.length} of the {requested.length} selected object{requested.length === 1 ? '' : 's'}{' '}
          {notCopied.length === 1 ? 'was' : 'were'} not copied
          {notCopied.length <= 5 ? ` (${notCopied.map((u) => u.item).join(', ')})` : ''}: gone since
          discovery, or the agent could not read {notCopied.length === 1 ? 'it' : 'them'}. The reasons are
          below.
        </Alert>
      )}
      {unmatched.length === 0 ? (
        <Text size="sm">Everything discovered is described by a layer.</Text>
      ) : (
        <Table fz="sm" aria-label="Unmatched items">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Discovered</Table.Th>
              <Table.Th>Why it is not in the profile</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((u, i) => (
              <Table.Tr key={`${i}:${u.item}`} data-selected-object={asked.has(u.item) || undefined}>
                <Table.Td>{u.item}</Table.Td>
                <Table.Td>{u.reason}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}
