import { Badge, Group, Stack, Table, Text, TextInput } from '@mantine/core';
import {
  ClusterProfileKind,
  compareVersions,
  type ClusterProfileSpec,
  type ClusterProfileStatus,
  type Resource,
} from '@strata/api';
import { useMemo, useState } from 'react';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { matchesSearch, timeAgo } from '../../lib/format';
import { useLiveList } from '../../lib/queries';
import { useSession } from '../../lib/session';
import { AnchorLink, ButtonLink } from '../../components/links';
import { PaletteProfileImport } from '../palette/PaletteProfileImport';

export type ProfileResource = Resource<ClusterProfileSpec, ClusterProfileStatus & Record<string, unknown>>;

/** Profiles of the project, one row per name: newest version, drafts, type, clusters using them. */
export function ProfileList() {
  const { can } = useSession();
  const list = useLiveList<ProfileResource>(ClusterProfileKind);
  const [search, setSearch] = useState('');
  const rows = useMemo(() => {
    const byName = new Map<string, ProfileResource[]>();
    for (const p of list.data?.items ?? [])
      byName.set(p.metadata.name, [...(byName.get(p.metadata.name) ?? []), p]);
    return [...byName.entries()]
      .map(([name, versions]) => {
        const sorted = versions.sort((a, b) => compareVersions(b.spec.version, a.spec.version));
        return { name, versions: sorted, latest: sorted[0]! };
      })
      .filter((r) =>
        matchesSearch(search, [
          r.name,
          r.latest.spec.type,
          r.latest.spec.description,
          ...r.versions.map((v) => v.spec.version),
        ]),
      )
      .sort((a, b) => a.name.localeCompare(b.name));
  }, [list.data, search]);
  return (
    <Stack>
      <PageHeader
        title="Profiles"
        description="Versioned, layered stacks: OS → Kubernetes → network → storage → add-ons."
        actions={
          can('clusterprofile', 'create') && (
            <Group>
              <PaletteProfileImport />
              <ButtonLink to="/profiles/new">New profile</ButtonLink>
            </Group>
          )
        }
      />
      <ProblemAlert error={list.error} />
      <TextInput
        label="Search"
        placeholder="name, type, version"
        value={search}
        onChange={(e) => setSearch(e.currentTarget.value)}
        w={280}
      />
      <Table withTableBorder highlightOnHover aria-label="Profiles">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Type</Table.Th>
            <Table.Th>Versions</Table.Th>
            <Table.Th>Newest</Table.Th>
            <Table.Th>Used by</Table.Th>
            <Table.Th>Updated</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((r) => (
            <Table.Tr key={r.name}>
              <Table.Td>
                <AnchorLink to="/profiles/$name" params={{ name: r.name }} fw={500}>
                  {r.name}
                </AnchorLink>
                <Text size="xs" c="dimmed" lineClamp={1}>
                  {r.latest.spec.description ?? ''}
                </Text>
              </Table.Td>
              <Table.Td>
                <Badge variant="outline">{r.latest.spec.type}</Badge>
              </Table.Td>
              <Table.Td>
                <Group gap={4}>
                  {r.versions.slice(0, 6).map((v) => (
                    <Badge
                      key={v.spec.version}
                      variant="light"
                      color={v.status?.state === 'Published' ? 'green' : 'gray'}
                    >
                      {v.spec.version}
                      {v.status?.state === 'Published' ? '' : ' draft'}
                    </Badge>
                  ))}
                </Group>
              </Table.Td>
              <Table.Td>{r.latest.spec.version}</Table.Td>
              <Table.Td>{r.versions.reduce((n, v) => n + (v.status?.usedBy?.length ?? 0), 0)}</Table.Td>
              <Table.Td>{timeAgo(r.latest.metadata.updatedAt)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {!list.isPending && rows.length === 0 && (
        <Text c="dimmed">No profiles{search ? ' match' : ' yet'}.</Text>
      )}
    </Stack>
  );
}
