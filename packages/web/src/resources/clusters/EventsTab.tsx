import { Badge, Group, Skeleton, Text, TextInput, Timeline } from '@mantine/core';
import type { Resource } from '@strata/api';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ProblemAlert } from '../../components/ProblemAlert';
import { matchesSearch, timeAgo } from '../../lib/format';
import { useSession } from '../../lib/session';

type EventSpec = {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
};

/** The cluster's events, newest first, as a timeline (refreshed every 5 s). */
export function EventsTab({ name }: { name: string }) {
  const { client, project } = useSession();
  const [search, setSearch] = useState('');
  const events = useQuery({
    queryKey: ['cluster-events', project, name],
    refetchInterval: 5_000,
    queryFn: async () =>
      (await client.clusters.events(name, { project })).items as unknown as Resource<EventSpec>[],
  });
  if (events.isPending) return <Skeleton height={160} />;
  const items = (events.data ?? []).filter((e) =>
    matchesSearch(search, [e.spec.reason, e.spec.message, e.spec.type]),
  );
  return (
    <>
      <ProblemAlert error={events.error} />
      <TextInput
        label="Filter events"
        value={search}
        onChange={(e) => setSearch(e.currentTarget.value)}
        w={280}
        mb="md"
      />
      {items.length === 0 ? (
        <Text c="dimmed">No events.</Text>
      ) : (
        <Timeline bulletSize={14} lineWidth={2} aria-label="Events">
          {items.map((e) => (
            <Timeline.Item
              key={e.metadata.name}
              color={e.spec.type === 'Warning' ? 'orange' : 'indigo'}
              title={
                <Group gap={6}>
                  <Text fw={600} size="sm">
                    {e.spec.reason}
                  </Text>
                  {e.spec.type === 'Warning' && (
                    <Badge color="orange" size="xs" variant="light">
                      warning
                    </Badge>
                  )}
                  {e.spec.count > 1 && (
                    <Badge size="xs" variant="outline">
                      ×{e.spec.count}
                    </Badge>
                  )}
                </Group>
              }
            >
              <Text size="sm">{e.spec.message}</Text>
              <Text size="xs" c="dimmed">
                {timeAgo(e.spec.lastSeen)}
                {e.spec.count > 1 ? ` (first ${timeAgo(e.spec.firstSeen)})` : ''}
              </Text>
            </Timeline.Item>
          ))}
        </Timeline>
      )}
    </>
  );
}
