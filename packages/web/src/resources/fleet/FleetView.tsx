import { Group, Pagination, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { ClusterGroupKind, type FleetClusters, type FleetFacets, type Resource } from '@strata/api';
import type { FleetClusterFilter } from '@strata/client';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useDeferredValue, useState } from 'react';
import { HealthBadge, PhaseBadge } from '../../components/Badges';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useSession } from '../../lib/session';

/** Rows per page: the server filters and pages, the console never holds the whole fleet. */
export const FLEET_PAGE = 50;

export type FleetFilterKey = 'project' | 'group' | 'provider' | 'phase' | 'health' | 'version';
export type FleetFilterState = Partial<Record<FleetFilterKey | 'q', string>>;

const FACET_FILTERS: { key: FleetFilterKey; facet: keyof FleetFacets; label: string }[] = [
  { key: 'project', facet: 'project', label: 'Project' },
  { key: 'provider', facet: 'provider', label: 'Provider' },
  { key: 'phase', facet: 'phase', label: 'Phase' },
  { key: 'health', facet: 'health', label: 'Health' },
  { key: 'version', facet: 'kubernetesVersion', label: 'Kubernetes' },
];

/** Options of a filter: every value with how many visible clusters have it. */
function facetOptions(counts: Record<string, number> | undefined): { value: string; label: string }[] {
  return Object.entries(counts ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([value, n]) => ({ value, label: `${value} (${n})` }));
}

/** The fleet across projects: filters, one page of clusters, paging. Pure: data in, changes out. */
export function FleetClustersView({
  data,
  filter,
  page,
  groups,
  onFilter,
  onPage,
  onOpen,
}: {
  data: FleetClusters | undefined;
  filter: FleetFilterState;
  page: number;
  /** Groups to filter by: `NAME` (the tenant's) or `PROJECT/NAME`. */
  groups: string[];
  onFilter: (next: FleetFilterState) => void;
  onPage: (page: number) => void;
  onOpen: (project: string, name: string) => void;
}) {
  const set = (key: keyof FleetFilterState, value: string | null) => {
    const next = { ...filter };
    if (value) next[key] = value;
    else delete next[key];
    onFilter(next);
  };
  const pages = Math.max(1, Math.ceil((data?.total ?? 0) / FLEET_PAGE));
  return (
    <Stack>
      <Group align="flex-end" gap="sm" wrap="wrap" role="group" aria-label="Fleet filters">
        <TextInput
          label="Name"
          placeholder="part of the name"
          value={filter.q ?? ''}
          onChange={(e) => set('q', e.currentTarget.value)}
          w={180}
        />
        {FACET_FILTERS.map(({ key, facet, label }) => (
          <Select
            key={key}
            label={label}
            data={facetOptions(data?.facets[facet])}
            value={filter[key] ?? null}
            onChange={(v) => set(key, v)}
            clearable
            searchable
            placeholder="Any"
            w={key === 'project' ? 180 : 150}
          />
        ))}
        <Select
          label="Group"
          data={groups}
          value={filter.group ?? null}
          onChange={(v) => set('group', v)}
          clearable
          searchable
          placeholder="Any"
          w={180}
        />
      </Group>
      <Text size="sm" c="dimmed" data-testid="fleet-count">
        {data ? `${data.total} cluster(s) match` : 'Loading…'}
      </Text>
      <Table fz="sm" striped aria-label="Clusters in all projects">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Project</Table.Th>
            <Table.Th>Name</Table.Th>
            <Table.Th>Phase</Table.Th>
            <Table.Th>Health</Table.Th>
            <Table.Th>Kubernetes</Table.Th>
            <Table.Th>Provider</Table.Th>
            <Table.Th>Profiles</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(data?.items ?? []).map((c) => (
            <Table.Tr key={`${c.project}/${c.name}`}>
              <Table.Td>{c.project}</Table.Td>
              <Table.Td>
                <Text
                  component="button"
                  type="button"
                  size="sm"
                  fw={500}
                  c="blue"
                  style={{ background: 'none', border: 0, padding: 0, cursor: 'pointer' }}
                  onClick={() => onOpen(c.project, c.name)}
                >
                  {c.name}
                </Text>
              </Table.Td>
              <Table.Td>
                <PhaseBadge phase={c.phase} />
              </Table.Td>
              <Table.Td>
                <HealthBadge health={c.health} />
              </Table.Td>
              <Table.Td>{c.kubernetesVersion === 'unknown' ? '—' : c.kubernetesVersion}</Table.Td>
              <Table.Td>{c.provider}</Table.Td>
              <Table.Td>{c.profiles.join(', ')}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {data && data.total === 0 && (
        <Text size="sm" c="dimmed">
          No cluster matches the filters.
        </Text>
      )}
      {pages > 1 && (
        <Pagination
          total={pages}
          value={page}
          onChange={onPage}
          getControlProps={(control) => ({ 'aria-label': `${control} page` })}
          getItemProps={(n) => ({ 'aria-label': `page ${n}` })}
        />
      )}
    </Stack>
  );
}

/** `/fleet`: every cluster of every project the user may see, filtered and paged by the server. */
export function FleetView() {
  const { client, project, setProject } = useSession();
  const navigate = useNavigate();
  const [filter, setFilter] = useState<FleetFilterState>({});
  const [page, setPage] = useState(1);
  const deferred = useDeferredValue(filter);
  const query: FleetClusterFilter = { ...deferred, offset: (page - 1) * FLEET_PAGE, limit: FLEET_PAGE };
  const clusters = useQuery({
    queryKey: ['fleet-clusters', query],
    refetchInterval: 15_000,
    placeholderData: keepPreviousData,
    queryFn: ({ signal }) => client.fleet.clusters(query, { signal }),
  });
  const groups = useQuery({
    queryKey: ['fleet-groups', project],
    queryFn: async ({ signal }) => {
      const [tenant, own] = await Promise.all([
        client.list<Resource>(ClusterGroupKind, { signal }),
        client.list<Resource>(ClusterGroupKind, { project, signal }).catch(() => ({ items: [] })),
      ]);
      return [
        ...tenant.items.map((g) => g.metadata.name),
        ...own.items.map((g) => `${project}/${g.metadata.name}`),
      ];
    },
  });
  return (
    <Stack>
      <PageHeader
        title="All projects"
        description="Every cluster you may see, in every project; filtered and paged by the server."
      />
      <ProblemAlert error={clusters.error ?? groups.error} />
      <FleetClustersView
        data={clusters.data}
        filter={filter}
        page={page}
        groups={groups.data ?? []}
        onFilter={(next) => {
          setFilter(next);
          setPage(1);
        }}
        onPage={setPage}
        onOpen={(p, name) => {
          setProject(p);
          void navigate({ to: '/clusters/$name', params: { name } });
        }}
      />
    </Stack>
  );
}
