import { Chip, Group, Select, Stack, Text, TextInput } from '@mantine/core';
import { CLUSTER_HEALTH, CLUSTER_PHASES, ClusterKind } from '@strata/api';
import { useDeferredValue, useMemo, useState } from 'react';
import { ClusterFlags, HealthBadge, PhaseBadge } from '../../components/Badges';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { VirtualTable, type Column } from '../../components/VirtualTable';
import { clusterFacts, type ClusterFacts, type ClusterObject } from '../../lib/clusters';
import { matchesSearch, timeAgo } from '../../lib/format';
import { useLiveList } from '../../lib/queries';
import { useSession } from '../../lib/session';
import { AnchorLink, ButtonLink } from '../../components/links';

type Row = { c: ClusterObject; f: ClusterFacts };
type Flag = 'drifted' | 'updates' | 'repave' | 'disconnected';

// One row object per cluster version, so that rows whose cluster did not change keep their identity (memoized rows).
const rowCache = new WeakMap<ClusterObject, Row>();
function rowOf(c: ClusterObject): Row {
  let row = rowCache.get(c);
  if (!row) {
    row = { c, f: clusterFacts(c) };
    rowCache.set(c, row);
  }
  return row;
}

const columns: Column<Row>[] = [
  {
    key: 'name',
    header: 'Name',
    width: 'minmax(140px, 2fr)',
    render: ({ c }) => (
      <AnchorLink to="/clusters/$name" params={{ name: c.metadata.name }} fw={500} size="sm">
        {c.metadata.name}
      </AnchorLink>
    ),
  },
  { key: 'phase', header: 'Phase', width: '120px', render: ({ f }) => <PhaseBadge phase={f.phase} /> },
  { key: 'health', header: 'Health', width: '110px', render: ({ f }) => <HealthBadge health={f.health} /> },
  {
    key: 'k8s',
    header: 'Kubernetes',
    width: '110px',
    render: ({ f }) => <Text size="sm">{f.kubernetesVersion === 'unknown' ? '—' : f.kubernetesVersion}</Text>,
  },
  {
    key: 'profiles',
    header: 'Profiles',
    width: 'minmax(120px, 1.5fr)',
    render: ({ c }) => (
      <Text size="sm" truncate>
        {(c.spec.profiles ?? []).map((p) => `${p.name}@${p.version}`).join(', ')}
      </Text>
    ),
  },
  {
    key: 'flags',
    header: 'Attention',
    width: 'minmax(160px, 2fr)',
    render: ({ f }) => (
      <Group gap={4} wrap="nowrap">
        <ClusterFlags facts={f} />
      </Group>
    ),
  },
  {
    key: 'nodes',
    header: 'Nodes',
    width: '80px',
    render: ({ c }) => {
      const pools = c.status?.nodePools ?? [];
      const desired = pools.length
        ? pools.reduce((n, p) => n + p.desired, 0)
        : c.spec.nodePools.reduce((n, p) => n + p.count, 0);
      const ready = pools.reduce((n, p) => n + p.ready, 0);
      return <Text size="sm">{`${ready}/${desired}`}</Text>;
    },
  },
  {
    key: 'age',
    header: 'Created',
    width: '100px',
    render: ({ c }) => <Text size="sm">{timeAgo(c.metadata.createdAt)}</Text>,
  },
];

/** Every cluster of the project, live, with filters; virtualized so that thousands stay smooth. */
export function ClusterList() {
  const { can } = useSession();
  const list = useLiveList<ClusterObject>(ClusterKind);
  const [search, setSearch] = useState('');
  const [phase, setPhase] = useState<string | null>(null);
  const [health, setHealth] = useState<string | null>(null);
  const [flags, setFlags] = useState<string[]>([]);
  const query = useDeferredValue(search);
  const rows = useMemo(() => {
    const all = (list.data?.items ?? []).map(rowOf);
    const want = new Set(flags as Flag[]);
    return all
      .filter(({ c, f }) => {
        if (phase && f.phase !== phase) return false;
        if (health && f.health !== health) return false;
        if (want.has('drifted') && !f.drifted) return false;
        if (want.has('updates') && !f.updatesAvailable) return false;
        if (want.has('repave') && !f.pendingRepave) return false;
        if (want.has('disconnected') && !f.agentDisconnected) return false;
        return matchesSearch(query, [
          c.metadata.name,
          f.kubernetesVersion,
          c.spec.provider,
          ...Object.entries(c.metadata.labels ?? {}).map(([k, v]) => `${k}=${v}`),
          ...(c.spec.profiles ?? []).map((p) => `${p.name}@${p.version}`),
        ]);
      })
      .sort((a, b) => a.c.metadata.name.localeCompare(b.c.metadata.name));
  }, [list.data, query, phase, health, flags]);
  const total = list.data?.items.length ?? 0;
  return (
    <Stack>
      <PageHeader
        title="Clusters"
        description={list.isPending ? 'Loading…' : `${rows.length} of ${total} shown`}
        actions={
          can('cluster', 'create') && (
            <>
              <ButtonLink to="/import" variant="default">
                Import cluster
              </ButtonLink>
              <ButtonLink to="/clusters/new">Create cluster</ButtonLink>
            </>
          )
        }
      />
      <ProblemAlert error={list.error} />
      <Group align="flex-end" gap="sm" wrap="wrap">
        <TextInput
          label="Search"
          placeholder="name, label, profile, version"
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          w={260}
        />
        <Select
          label="Phase"
          data={[...CLUSTER_PHASES]}
          value={phase}
          onChange={setPhase}
          clearable
          placeholder="Any"
          w={150}
        />
        <Select
          label="Health"
          data={[...CLUSTER_HEALTH]}
          value={health}
          onChange={setHealth}
          clearable
          placeholder="Any"
          w={140}
        />
        <Chip.Group multiple value={flags} onChange={setFlags}>
          <Group gap={6} role="group" aria-label="Show only">
            <Chip value="drifted">Drifted</Chip>
            <Chip value="updates">Updates available</Chip>
            <Chip value="repave">Repave waiting</Chip>
            <Chip value="disconnected">Agent disconnected</Chip>
          </Group>
        </Chip.Group>
      </Group>
      <VirtualTable
        rows={rows}
        columns={columns}
        rowKey={({ c }) => c.metadata.name}
        label="Clusters"
        empty={total === 0 ? 'No clusters in this project yet.' : 'No cluster matches the filters.'}
      />
    </Stack>
  );
}
