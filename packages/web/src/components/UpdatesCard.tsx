import { Button, Card, Table, Text, Title } from '@mantine/core';
import type { FleetUpdate } from '@strata/api';
import { useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useSession } from '../lib/session';
import { ProblemAlert } from './ProblemAlert';

/** At most this many clusters are named in a prepared rollout's address. */
const MAX_NAMED = 200;

/** The Rollout a "Prepare rollout" opens: those clusters to the newer version, a canary first (YAML). */
export function preparedRollout(
  update: Pick<FleetUpdate, 'profile' | 'to'>,
  clusters: readonly string[],
): string {
  const name = `${update.profile}-${update.to}`
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .slice(0, 63);
  return `kind: Rollout
metadata: {name: ${name}}
spec:
  target:
    clusters: [${clusters.join(', ')}]
  change: {profile: {name: ${update.profile}, version: ${update.to}}}
  strategy: {canary: {count: 1}, batchSize: 10}
`;
}

/** Clusters on outdated profile versions, grouped; each group is two clicks from a rollout (prepare, plan). */
export function UpdatesCard() {
  const { client, project, can } = useSession();
  const navigate = useNavigate();
  const updates = useQuery({
    queryKey: ['fleet-updates', project],
    refetchInterval: 30_000,
    queryFn: ({ signal }) => client.fleet.updates({ project, signal }),
  });
  const items = updates.data?.items ?? [];
  return (
    <Card withBorder component="section" aria-label="Updates available by profile">
      <Title order={2} size="h5" mb="sm">
        Updates available
      </Title>
      <ProblemAlert error={updates.error} />
      {items.length === 0 ? (
        <Text size="sm" c="dimmed">
          Every cluster runs the newest published versions of its profiles.
        </Text>
      ) : (
        <Table fz="sm" aria-label="Updates available">
          <Table.Tbody>
            {items.map((u) => (
              <Table.Tr key={`${u.profile}/${u.from}/${u.to}`}>
                <Table.Td>
                  {u.profile} {u.from} → {u.to}
                </Table.Td>
                <Table.Td>{u.count} cluster(s)</Table.Td>
                <Table.Td>
                  {can('rollout', 'create') && u.count <= MAX_NAMED && (
                    <Button
                      size="compact-xs"
                      variant="light"
                      onClick={() =>
                        void navigate({
                          to: '/rollouts',
                          search: {
                            prepare: preparedRollout(
                              u,
                              u.clusters.map((c) => c.name),
                            ),
                          },
                        })
                      }
                    >
                      Prepare rollout
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}
