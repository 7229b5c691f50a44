import { Alert, Group, Loader, Stack, Text } from '@mantine/core';
import { HealthBadge, PhaseBadge } from '../../components/Badges';
import { DiscoveryView } from '../../components/DiscoveryView';
import { ButtonLink } from '../../components/links';
import { clusterFacts, type ClusterObject } from '../../lib/clusters';
import { timeAgo } from '../../lib/format';
import { useSession } from '../../lib/session';
import { discoveryOf } from '../import/import-api';

/** Until the first report: the phase, the agent and the message of the first condition that is not True. */
export function DiscoveryWaiting({ cluster }: { cluster: ClusterObject }) {
  const f = clusterFacts(cluster);
  const agent = cluster.status?.agent;
  const pending = (cluster.status?.conditions ?? []).find((c) => c.status !== 'True');
  return (
    <Alert color="blue" title="Waiting for the agent's discovery report" data-testid="discovery-waiting">
      <Stack gap={6}>
        <Group gap="xs" role="status">
          <Loader size="xs" aria-hidden="true" />
          <Text size="sm">
            {agent?.connected
              ? `The agent is connected (seen ${timeAgo(agent.lastSeen)}); it reports what it finds shortly.`
              : 'The agent has not connected yet.'}
          </Text>
        </Group>
        <Group gap={6}>
          <PhaseBadge phase={f.phase} />
          <HealthBadge health={f.health} />
        </Group>
        {pending?.message && (
          <Text size="sm">
            {pending.type}: {pending.message}
          </Text>
        )}
      </Stack>
    </Alert>
  );
}

/** An imported cluster's discovery (live): what its agent found, refreshed with every report. */
export function DiscoveryTab({ cluster }: { cluster: ClusterObject }) {
  const { can } = useSession();
  const discovery = discoveryOf(cluster);
  if (!discovery) return <DiscoveryWaiting cluster={cluster} />;
  return (
    <Stack>
      {can('cluster', 'generate-profile') && (
        <Group justify="flex-end">
          <ButtonLink
            to="/import"
            search={{ cluster: cluster.metadata.name, step: 'profile' }}
            variant="light"
          >
            Generate a profile…
          </ButtonLink>
        </Group>
      )}
      <DiscoveryView discovery={discovery} />
    </Stack>
  );
}
