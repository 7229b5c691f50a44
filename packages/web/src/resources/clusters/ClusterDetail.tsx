import { Alert, Button, Group, Skeleton, Stack, Tabs, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { ClusterKind } from '@strata/api';
import { useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { useState } from 'react';
import { ClusterFlags, HealthBadge, PhaseBadge } from '../../components/Badges';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { clusterFacts } from '../../lib/clusters';
import { useSession } from '../../lib/session';
import { DiscoveryTab } from './DiscoveryTab';
import { EventsTab } from './EventsTab';
import { LayersTab } from './LayersTab';
import { NodePoolsTab } from './NodePoolsTab';
import { OverviewTab } from './OverviewTab';
import { ProfileTab } from './ProfileTab';
import { useCluster } from './use-cluster';
import { AnchorLink } from '../../components/links';

const TABS = ['overview', 'layers', 'nodepools', 'events', 'profile', 'discovery'] as const;

/**
 * One cluster: Overview, Layers, Node pools, Events and Profile tabs (plus Discovery for imported clusters); delete
 * (detach for imported clusters) with confirmation.
 */
export function ClusterDetail() {
  const { name } = useParams({ from: '/clusters/$name' });
  const { tab } = useSearch({ from: '/clusters/$name' });
  const navigate = useNavigate();
  const { client, project, can } = useSession();
  const { cluster, loading, error } = useCluster(name);
  const [deleting, setDeleting] = useState(false);
  const imported = cluster?.spec.provider === 'imported';
  const known = TABS.includes(tab as (typeof TABS)[number]) && (tab !== 'discovery' || imported);
  const current = known ? (tab as string) : 'overview';

  if (loading) return <Skeleton height={200} />;
  if (error) return <ProblemAlert error={error} />;
  if (!cluster)
    return (
      <Stack>
        <PageHeader title={name} />
        <Alert color="gray" role="status">
          Cluster {name} does not exist (any more) in project {project}.{' '}
          <AnchorLink to="/clusters">Back to clusters</AnchorLink>
        </Alert>
      </Stack>
    );
  const f = clusterFacts(cluster);
  return (
    <Stack>
      <PageHeader
        title={name}
        description={
          <Group gap={6} component="span">
            <PhaseBadge phase={f.phase} />
            <HealthBadge health={f.health} />
            <ClusterFlags facts={f} />
            <Text span size="sm" c="dimmed">
              {cluster.spec.provider}
              {cluster.status?.kubernetesVersion ? ` · ${cluster.status.kubernetesVersion}` : ''}
            </Text>
          </Group>
        }
        actions={
          can('cluster', 'delete') && (
            <Button color="red" variant="light" onClick={() => setDeleting(true)} disabled={f.deleting}>
              {f.deleting ? (imported ? 'Detaching…' : 'Deleting…') : imported ? 'Detach' : 'Delete'}
            </Button>
          )
        }
      />
      <Tabs
        value={current}
        onChange={(v) =>
          void navigate({
            to: '/clusters/$name',
            params: { name },
            search: { tab: v ?? 'overview' },
            replace: true,
          })
        }
        keepMounted={false}
      >
        <Tabs.List>
          <Tabs.Tab value="overview">Overview</Tabs.Tab>
          <Tabs.Tab value="layers">
            Layers
            {f.drifted ? ' (drift)' : ''}
          </Tabs.Tab>
          <Tabs.Tab value="nodepools">Node pools</Tabs.Tab>
          <Tabs.Tab value="events">Events</Tabs.Tab>
          <Tabs.Tab value="profile">
            Profile
            {f.updatesAvailable ? ' (update)' : ''}
          </Tabs.Tab>
          {imported && <Tabs.Tab value="discovery">Discovery</Tabs.Tab>}
        </Tabs.List>
        <Tabs.Panel value="overview" pt="md">
          <OverviewTab cluster={cluster} />
        </Tabs.Panel>
        <Tabs.Panel value="layers" pt="md">
          <LayersTab cluster={cluster} />
        </Tabs.Panel>
        <Tabs.Panel value="nodepools" pt="md">
          <NodePoolsTab cluster={cluster} />
        </Tabs.Panel>
        <Tabs.Panel value="events" pt="md">
          <EventsTab name={name} />
        </Tabs.Panel>
        <Tabs.Panel value="profile" pt="md">
          <ProfileTab cluster={cluster} />
        </Tabs.Panel>
        {imported && (
          <Tabs.Panel value="discovery" pt="md">
            <DiscoveryTab cluster={cluster} />
          </Tabs.Panel>
        )}
      </Tabs>
      <ConfirmDialog
        opened={deleting}
        onClose={() => setDeleting(false)}
        title={imported ? `Detach cluster ${name}?` : `Delete cluster ${name}?`}
        typeToConfirm={name}
        confirmLabel={imported ? 'Detach cluster' : 'Delete cluster'}
        danger
        onConfirm={async () => {
          await client.delete(ClusterKind, name, { project });
          notifications.show({
            message: imported ? `Cluster ${name} is being detached.` : `Cluster ${name} is being deleted.`,
          });
        }}
      >
        <Text size="sm">
          {imported
            ? "Strata stops managing the cluster: its agent and Strata's own objects are removed. The cluster and every workload on it stay as they are."
            : "The provider destroys the cluster's machines and control plane. Workloads and data on it are lost. This cannot be undone."}
        </Text>
      </ConfirmDialog>
    </Stack>
  );
}
