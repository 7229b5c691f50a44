import {
  Badge,
  Button,
  Card,
  Group,
  Modal,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { ClusterProfileKind, compareVersions, type ProfileDiff } from '@strata/api';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { useState } from 'react';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { ProfileDiffView } from '../../components/ProfileDiffView';
import { issueAt } from '../../lib/errors';
import { timeAgo } from '../../lib/format';
import { useLiveList } from '../../lib/queries';
import { useSession } from '../../lib/session';
import type { ProfileResource } from './ProfileList';
import { nextMinor } from './versions';
import { AnchorLink } from '../../components/links';

/** A profile's version history, diff between any two versions, clone, publish and delete. */
export function ProfileDetail() {
  const { name } = useParams({ from: '/profiles/$name' });
  const search = useSearch({ from: '/profiles/$name' });
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { client, project, can } = useSession();
  const list = useLiveList<ProfileResource>(ClusterProfileKind);
  const versions = (list.data?.items ?? [])
    .filter((p) => p.metadata.name === name)
    .sort((a, b) => compareVersions(b.spec.version, a.spec.version));
  const [cloning, setCloning] = useState<string>();
  const [cloneTo, setCloneTo] = useState('');
  const [cloneError, setCloneError] = useState<unknown>();
  const [deleting, setDeleting] = useState<string>();
  const from = search.from ?? versions[1]?.spec.version ?? null;
  const to = search.to ?? versions[0]?.spec.version ?? null;
  const diff = useQuery({
    queryKey: ['profile-diff', project, name, from, to],
    enabled: Boolean(from && to && from !== to),
    queryFn: ({ signal }) =>
      client.request<ProfileDiff>({
        method: 'GET',
        path: `/v1/projects/${encodeURIComponent(project)}/clusterprofiles/${encodeURIComponent(name)}/diff`,
        query: { from: from!, to: to! },
        signal,
      }),
  });
  const setRange = (f: string | null, t: string | null) =>
    void navigate({
      to: '/profiles/$name',
      params: { name },
      search: { ...(f ? { from: f } : {}), ...(t ? { to: t } : {}) },
      replace: true,
    });
  const choices = versions.map((v) => v.spec.version);
  return (
    <Stack>
      <PageHeader
        title={`Profile ${name}`}
        description={
          versions[0]?.spec.description ??
          (list.isPending ? 'Loading…' : `No versions of ${name} in project ${project}.`)
        }
      />
      <ProblemAlert error={list.error} />
      <Card withBorder component="section" aria-label="Versions">
        <Title order={2} size="h5" mb="sm">
          Versions
        </Title>
        <Table aria-label="Versions" highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Version</Table.Th>
              <Table.Th>State</Table.Th>
              <Table.Th>Layers</Table.Th>
              <Table.Th>Used by</Table.Th>
              <Table.Th>Published</Table.Th>
              <Table.Th>Actions</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {versions.map((v) => (
              <Table.Tr key={v.spec.version}>
                <Table.Td>
                  <AnchorLink
                    to="/profiles/$name/versions/$version"
                    params={{ name, version: v.spec.version }}
                  >
                    {v.spec.version}
                  </AnchorLink>
                </Table.Td>
                <Table.Td>
                  <Badge color={v.status?.state === 'Published' ? 'green' : 'gray'} variant="light">
                    {v.status?.state ?? 'Draft'}
                  </Badge>
                </Table.Td>
                <Table.Td>{v.spec.layers.length}</Table.Td>
                <Table.Td>{(v.status?.usedBy ?? []).join(', ') || '—'}</Table.Td>
                <Table.Td>{v.status?.publishedAt ? timeAgo(v.status.publishedAt) : '—'}</Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {can('clusterprofile', 'clone') && (
                      <Button
                        size="compact-sm"
                        variant="light"
                        aria-label={`Clone ${v.spec.version}`}
                        onClick={() => {
                          setCloning(v.spec.version);
                          setCloneTo(nextMinor(versions[0]!.spec.version));
                          setCloneError(undefined);
                        }}
                      >
                        Clone
                      </Button>
                    )}
                    {can('clusterprofile', 'delete') && (v.status?.usedBy?.length ?? 0) === 0 && (
                      <Button
                        size="compact-sm"
                        variant="subtle"
                        color="red"
                        aria-label={`Delete ${v.spec.version}`}
                        onClick={() => setDeleting(v.spec.version)}
                      >
                        Delete
                      </Button>
                    )}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>
      {versions.length > 1 && (
        <Card withBorder component="section" aria-label="Compare versions">
          <Title order={2} size="h5" mb="sm">
            Compare versions
          </Title>
          <Group mb="md">
            <Select
              label="From"
              data={choices}
              value={from}
              onChange={(v) => setRange(v, to)}
              w={160}
              allowDeselect={false}
            />
            <Select
              label="To"
              data={choices}
              value={to}
              onChange={(v) => setRange(from, v)}
              w={160}
              allowDeselect={false}
            />
          </Group>
          <ProblemAlert error={diff.error} />
          {from === to && <Text size="sm">Choose two different versions.</Text>}
          {diff.data && <ProfileDiffView diff={diff.data} />}
        </Card>
      )}
      <Modal
        opened={cloning !== undefined}
        onClose={() => setCloning(undefined)}
        title={`Clone ${name} ${cloning ?? ''}`}
        centered
      >
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setCloneError(undefined);
            client
              .action(ClusterProfileKind, name, 'clone', { version: cloneTo }, { project, version: cloning })
              .then(async () => {
                await queryClient.invalidateQueries({ queryKey: ['list', 'ClusterProfile'] });
                notifications.show({ message: `Draft ${name} ${cloneTo} created.` });
                setCloning(undefined);
                void navigate({
                  to: '/profiles/$name/versions/$version',
                  params: { name, version: cloneTo },
                });
              }, setCloneError);
          }}
        >
          <Stack>
            <TextInput
              label="New version"
              value={cloneTo}
              onChange={(e) => setCloneTo(e.currentTarget.value)}
              error={issueAt(cloneError, '/version')}
              data-autofocus
              required
            />
            <ProblemAlert error={cloneError} />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setCloning(undefined)}>
                Cancel
              </Button>
              <Button type="submit">Clone as draft</Button>
            </Group>
          </Stack>
        </form>
      </Modal>
      <ConfirmDialog
        opened={deleting !== undefined}
        onClose={() => setDeleting(undefined)}
        title={`Delete ${name} ${deleting ?? ''}?`}
        typeToConfirm={deleting}
        confirmLabel="Delete version"
        danger
        onConfirm={async () => {
          await client.delete(ClusterProfileKind, name, { project, version: deleting });
          await queryClient.invalidateQueries({ queryKey: ['list', 'ClusterProfile'] });
        }}
      >
        <Text size="sm">The version is removed. Clusters cannot attach it any more.</Text>
      </ConfirmDialog>
    </Stack>
  );
}
