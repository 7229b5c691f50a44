import { Badge, Group, Stack, Table, Text, Title, Tooltip, type MantineColor } from '@mantine/core';
import type { RolloutPlan, RolloutPlanCluster, RolloutStatus } from '@strata/api';

const BATCH_COLORS: Record<string, MantineColor> = {
  Waiting: 'gray',
  Running: 'blue',
  Succeeded: 'green',
  Failed: 'red',
};
const PHASE_COLORS: Record<string, MantineColor> = {
  Pending: 'gray',
  Progressing: 'blue',
  Paused: 'yellow',
  Halted: 'red',
  Succeeded: 'green',
  Aborted: 'orange',
  RollingBack: 'grape',
  RolledBack: 'gray',
};

export function RolloutPhaseBadge({ phase }: { phase: string | undefined }) {
  return (
    <Badge
      color={PHASE_COLORS[phase ?? ''] ?? 'gray'}
      variant="light"
      aria-label={`rollout phase ${phase ?? 'Pending'}`}
    >
      {phase ?? 'Pending'}
    </Badge>
  );
}

/** One badge per batch (canary first): its state, how many of its clusters passed, and its rollback. */
export function BatchStrip({ status }: { status: RolloutStatus }) {
  const clusters = status.clusters ?? [];
  return (
    <Group gap={4} wrap="wrap" role="list" aria-label="Batches">
      {(status.batches ?? []).map((b, i) => {
        const members = clusters.filter((c) => c.batch === i);
        const passed = members.filter((c) => c.state === 'Succeeded' || c.state === 'RolledBack').length;
        const state = b.rollback ? `rollback ${b.rollback.state}` : b.state;
        const color = BATCH_COLORS[b.rollback?.state ?? b.state] ?? 'gray';
        return (
          <Tooltip key={b.name} label={`${b.name}: ${state}, ${passed}/${members.length} passed`}>
            <Badge
              role="listitem"
              color={color}
              variant={b.state === 'Waiting' ? 'outline' : 'light'}
              aria-label={`${b.name} ${state} ${passed} of ${members.length}`}
            >
              {b.name} {passed}/{members.length}
            </Badge>
          </Tooltip>
        );
      })}
    </Group>
  );
}

/** The rollout's batches, then the clusters that failed, wait for the gate, or were skipped — each with why. */
export function RolloutDetailView({ status }: { status: RolloutStatus }) {
  const clusters = status.clusters ?? [];
  const failed = clusters.filter((c) => c.state === 'Failed' || c.state === 'RollbackFailed');
  const waiting = clusters.filter((c) => (c.state === 'Updating' || c.state === 'RollingBack') && c.reason);
  const skipped = clusters.filter((c) => c.state === 'Skipped');
  const table = (title: string, rows: typeof clusters) =>
    rows.length === 0 ? null : (
      <Stack gap={4}>
        <Title order={4}>{title}</Title>
        <Table aria-label={title} striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Cluster</Table.Th>
              <Table.Th>Batch</Table.Th>
              <Table.Th>Reason</Table.Th>
              <Table.Th>Message</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((c) => (
              <Table.Tr key={`${c.project}/${c.name}`}>
                <Table.Td>{c.project ? `${c.project}/${c.name}` : c.name}</Table.Td>
                <Table.Td>{status.batches?.[c.batch]?.name ?? '-'}</Table.Td>
                <Table.Td>{c.reason ?? ''}</Table.Td>
                <Table.Td>{c.message ?? ''}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Stack>
    );
  return (
    <Stack>
      <Group>
        <RolloutPhaseBadge phase={status.phase} />
        <Text size="sm">{status.message}</Text>
      </Group>
      <BatchStrip status={status} />
      {table('Failed clusters', failed)}
      {table('Waiting for the health gate', waiting)}
      {table('Skipped clusters', skipped)}
    </Stack>
  );
}

function changeText(c: RolloutPlanCluster): string {
  const parts = [
    ...(c.layers?.added ?? []).map((l) => `+${l}`),
    ...(c.layers?.removed ?? []).map((l) => `-${l}`),
    ...(c.layers?.changed ?? []).map((l) => `~${l}`),
  ];
  if (c.repave?.length)
    parts.push(`repave ${c.repave.join(', ')}${c.approvalRequired ? ' (needs approval)' : ''}`);
  if (c.window && !c.window.open)
    parts.push(`waits for the maintenance window${c.window.next ? ` (opens ${c.window.next})` : ''}`);
  return parts.join(', ') || 'spec only';
}

/** A rollout's plan, grouped by outcome: what would change where, what is blocked and why, what is skipped. */
export function RolloutPlanView({ plan }: { plan: RolloutPlan }) {
  const groups: [string, RolloutPlanCluster['outcome'], (c: RolloutPlanCluster) => string][] = [
    ['Would change', 'change', changeText],
    ['Blocked', 'blocked', (c) => c.message ?? c.reason ?? ''],
    ['Skipped', 'skip', (c) => `${c.reason ?? ''}${c.message ? `: ${c.message}` : ''}`],
  ];
  return (
    <Stack>
      <Text>
        {plan.summary.change} to change, {plan.summary.skip} skipped, {plan.summary.blocked} blocked — in{' '}
        {plan.batches.map((b) => `${b.name} (${b.clusters})`).join(', ') || 'no batches'}
      </Text>
      {groups.map(([title, outcome, detail]) => {
        const rows = plan.clusters.filter((c) => c.outcome === outcome);
        if (rows.length === 0) return null;
        return (
          <Stack gap={4} key={outcome}>
            <Title order={4}>{title}</Title>
            <Table aria-label={title} striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Cluster</Table.Th>
                  <Table.Th>Batch</Table.Th>
                  <Table.Th>Details</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((c) => (
                  <Table.Tr key={`${c.project}/${c.name}`}>
                    <Table.Td>{c.project ? `${c.project}/${c.name}` : c.name}</Table.Td>
                    <Table.Td>{plan.batches[c.batch]?.name ?? '-'}</Table.Td>
                    <Table.Td>{detail(c)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Stack>
        );
      })}
    </Stack>
  );
}
