import { Badge, Card, Group, Progress, SimpleGrid, Skeleton, Stack, Table, Text, Title } from '@mantine/core';
import { CLUSTER_PHASES, ClusterKind, EventKind, type Resource } from '@strata/api';
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { phaseColor } from '../../components/Badges';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { clusterFacts, countBy, type ClusterObject } from '../../lib/clusters';
import { timeAgo } from '../../lib/format';
import { useLiveList } from '../../lib/queries';
import { useSession } from '../../lib/session';
import { AnchorLink, ButtonLink } from '../../components/links';
import { UpdatesCard } from '../../components/UpdatesCard';

type EventSpec = {
  involvedObject: { kind: string; name: string };
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  count: number;
  lastSeen: string;
};

function Stat({
  label,
  value,
  color,
  to,
  hint,
}: {
  label: string;
  value: number;
  color?: string;
  to?: string;
  hint?: string;
}) {
  const body = (
    <Card withBorder padding="md" h="100%">
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text fz={28} fw={700} c={value > 0 ? color : undefined} data-testid={`stat-${label}`}>
        {value}
      </Text>
      {hint && (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      )}
    </Card>
  );
  return to ? (
    <AnchorLink to={to} underline="never" c="inherit">
      {body}
    </AnchorLink>
  ) : (
    body
  );
}

function Bars({
  title,
  rows,
  color,
}: {
  title: string;
  rows: [string, number][];
  color: (key: string) => string;
}) {
  const total = rows.reduce((n, [, c]) => n + c, 0) || 1;
  return (
    <Card withBorder padding="md" component="section" aria-label={title}>
      <Title order={2} size="h5" mb="sm">
        {title}
      </Title>
      {rows.length === 0 && (
        <Text size="sm" c="dimmed">
          No clusters yet.
        </Text>
      )}
      <Stack gap={8}>
        {rows.map(([key, count]) => (
          <div key={key}>
            <Group justify="space-between" gap={4}>
              <Text size="sm">{key}</Text>
              <Text size="sm" fw={600}>
                {count}
              </Text>
            </Group>
            <Progress
              value={(count / total) * 100}
              color={color(key)}
              aria-label={`${key}: ${count} of ${total}`}
            />
          </div>
        ))}
      </Stack>
    </Card>
  );
}

/** The fleet at a glance: phases, health, agents, updates, drift, Kubernetes versions, and what just happened. */
export function Dashboard() {
  const { client, project } = useSession();
  const clusters = useLiveList<ClusterObject>(ClusterKind);
  const events = useQuery({
    queryKey: ['recent-events', project],
    refetchInterval: 10_000,
    queryFn: async ({ signal }) => {
      const page = await client.list<Resource<EventSpec>>(EventKind, { project, limit: 500, signal });
      return [...page.items].sort((a, b) => b.spec.lastSeen.localeCompare(a.spec.lastSeen)).slice(0, 12);
    },
  });
  const stats = useMemo(() => {
    const items = clusters.data?.items ?? [];
    const facts = items.map((c) => ({ c, f: clusterFacts(c) }));
    const attention = facts
      .filter(
        ({ f }) =>
          f.phase === 'Failed' ||
          f.drifted ||
          f.agentDisconnected ||
          f.health === 'Degraded' ||
          f.pendingRepave,
      )
      .slice(0, 10);
    const phases = countBy(facts, ({ f }) => f.phase).sort(
      (a, b) => CLUSTER_PHASES.indexOf(a[0] as never) - CLUSTER_PHASES.indexOf(b[0] as never),
    );
    return {
      total: items.length,
      phases,
      health: countBy(facts, ({ f }) => f.health),
      versions: countBy(facts, ({ f }) => f.kubernetesVersion),
      disconnected: facts.filter(({ f }) => f.agentDisconnected).length,
      updates: facts.filter(({ f }) => f.updatesAvailable).length,
      drifted: facts.filter(({ f }) => f.drifted).length,
      repave: facts.filter(({ f }) => f.pendingRepave).length,
      attention,
    };
  }, [clusters.data]);

  return (
    <Stack>
      <PageHeader
        title="Fleet dashboard"
        description={`Project ${project}: every cluster, live.`}
        actions={
          <ButtonLink to="/fleet" variant="default">
            All projects
          </ButtonLink>
        }
      />
      <ProblemAlert error={clusters.error} />
      {clusters.isPending ? (
        <Skeleton height={120} />
      ) : (
        <>
          <SimpleGrid cols={{ base: 2, sm: 3, lg: 5 }}>
            <Stat label="Clusters" value={stats.total} to="/clusters" />
            <Stat
              label="Agents disconnected"
              value={stats.disconnected}
              color="red"
              hint="health Unknown until they report"
            />
            <Stat
              label="Drifted"
              value={stats.drifted}
              color="orange"
              hint="live state differs from the profile"
            />
            <Stat
              label="Updates available"
              value={stats.updates}
              color="blue"
              hint="newer published profile versions"
            />
            <Stat label="Repave waiting" value={stats.repave} color="orange" hint="needs approval" />
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, md: 3 }}>
            <Bars title="Clusters by phase" rows={stats.phases} color={(p) => phaseColor(p)} />
            <Bars
              title="Clusters by health"
              rows={stats.health}
              color={(h) => (h === 'Healthy' ? 'green' : h === 'Degraded' ? 'red' : 'gray')}
            />
            <Bars title="Kubernetes versions" rows={stats.versions} color={() => 'indigo'} />
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, lg: 2 }}>
            <Card withBorder component="section" aria-label="Clusters that need attention">
              <Title order={2} size="h5" mb="sm">
                Needs attention
              </Title>
              {stats.attention.length === 0 ? (
                <Text size="sm" c="dimmed">
                  Nothing: no failed, drifted, disconnected or waiting clusters.
                </Text>
              ) : (
                <Table fz="sm">
                  <Table.Tbody>
                    {stats.attention.map(({ c, f }) => (
                      <Table.Tr key={c.metadata.name}>
                        <Table.Td>
                          <AnchorLink to="/clusters/$name" params={{ name: c.metadata.name }}>
                            {c.metadata.name}
                          </AnchorLink>
                        </Table.Td>
                        <Table.Td>
                          <Group gap={4}>
                            {f.phase === 'Failed' && (
                              <Badge color="red" variant="light">
                                Failed
                              </Badge>
                            )}
                            {f.drifted && (
                              <Badge color="orange" variant="light">
                                Drifted
                              </Badge>
                            )}
                            {f.agentDisconnected && (
                              <Badge color="gray" variant="light">
                                Agent disconnected
                              </Badge>
                            )}
                            {f.health === 'Degraded' && (
                              <Badge color="red" variant="outline">
                                Degraded
                              </Badge>
                            )}
                            {f.pendingRepave && (
                              <Badge color="orange" variant="outline">
                                Repave waiting
                              </Badge>
                            )}
                          </Group>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              )}
            </Card>
            <UpdatesCard />
            <Card withBorder component="section" aria-label="Recent events">
              <Title order={2} size="h5" mb="sm">
                Recent events
              </Title>
              <ProblemAlert error={events.error} />
              {events.data?.length === 0 && (
                <Text size="sm" c="dimmed">
                  No events yet.
                </Text>
              )}
              <Table fz="xs">
                <Table.Tbody>
                  {(events.data ?? []).map((e) => (
                    <Table.Tr key={e.metadata.name}>
                      <Table.Td>
                        <Text size="xs" fw={600} c={e.spec.type === 'Warning' ? 'orange' : undefined}>
                          {e.spec.reason}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        {e.spec.involvedObject.kind === 'Cluster' ? (
                          <AnchorLink
                            to="/clusters/$name"
                            params={{ name: e.spec.involvedObject.name }}
                            size="xs"
                          >
                            {e.spec.involvedObject.name}
                          </AnchorLink>
                        ) : (
                          `${e.spec.involvedObject.kind} ${e.spec.involvedObject.name}`
                        )}
                      </Table.Td>
                      <Table.Td>
                        {e.spec.message}
                        {e.spec.count > 1 ? ` (×${e.spec.count})` : ''}
                      </Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{timeAgo(e.spec.lastSeen)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Card>
          </SimpleGrid>
        </>
      )}
    </Stack>
  );
}
