import { Alert, Badge, Button, Group, Skeleton, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { ClusterProfileKind, type ClusterProfileSpec } from '@strata/api';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { PublishProfileDialog } from './PublishProfileDialog';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useSession } from '../../lib/session';
import { ProfileForm } from './ProfileForm';
import type { ProfileResource } from './ProfileList';
import { AnchorLink } from '../../components/links';

/** One version: a draft is edited here (save, publish); a published version is shown read-only. */
export function ProfileEditor() {
  const { name, version } = useParams({ from: '/profiles/$name/versions/$version' });
  const { client, project, can } = useSession();
  const queryClient = useQueryClient();
  const key = ['profile-version', project, name, version];
  const loaded = useQuery({
    queryKey: key,
    queryFn: ({ signal }) =>
      client.get<ProfileResource>(ClusterProfileKind, name, { project, version, signal }),
  });
  const [edited, setEdited] = useState<ClusterProfileSpec>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [publishing, setPublishing] = useState(false);
  if (loaded.isPending) return <Skeleton height={300} />;
  if (!loaded.data) return <ProblemAlert error={loaded.error} />;
  const profile = loaded.data;
  const draft = profile.status?.state !== 'Published';
  const editable = draft && can('clusterprofile', 'update');
  const spec = edited ?? profile.spec;
  const refresh = async () => {
    await queryClient.invalidateQueries({ queryKey: key });
    await queryClient.invalidateQueries({ queryKey: ['list', 'ClusterProfile'] });
  };
  const save = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await client.update(
        {
          apiVersion: 'strata.dev/v1alpha1',
          kind: 'ClusterProfile',
          metadata: {
            name,
            project,
            resourceVersion: profile.metadata.resourceVersion,
            labels: profile.metadata.labels,
            annotations: profile.metadata.annotations,
          },
          spec,
        },
        { project },
      );
      setEdited(undefined);
      await refresh();
      notifications.show({ message: `Draft ${name} ${version} saved.` });
      return true;
    } catch (err) {
      setError(err);
      return false;
    } finally {
      setBusy(false);
    }
  };
  return (
    <Stack>
      <PageHeader
        title={
          <>
            <AnchorLink to="/profiles/$name" params={{ name }} inherit>
              {name}
            </AnchorLink>{' '}
            {version}{' '}
            <Badge color={draft ? 'gray' : 'green'} variant="light" size="lg">
              {draft ? 'Draft' : 'Published'}
            </Badge>
          </>
        }
        description={
          draft
            ? 'A draft: edit, save, then publish. A published version never changes.'
            : `Published ${profile.status?.publishedAt ?? ''}. Clone it to make a new version.`
        }
        actions={
          editable && (
            <Group>
              {edited && (
                <Button
                  variant="default"
                  onClick={() => {
                    setEdited(undefined);
                    setError(undefined);
                  }}
                >
                  Discard changes
                </Button>
              )}
              <Button variant="light" onClick={() => void save()} loading={busy} disabled={!edited}>
                Save draft
              </Button>
              {can('clusterprofile', 'publish') && (
                <Button onClick={() => setPublishing(true)}>Publish</Button>
              )}
            </Group>
          )
        }
      />
      {!draft && can('clusterprofile', 'clone') && (
        <Alert color="blue" role="status">
          <Text size="sm">
            To change this profile, clone this version on the{' '}
            <AnchorLink to="/profiles/$name" params={{ name }}>
              profile page
            </AnchorLink>
            .
          </Text>
        </Alert>
      )}
      <ProblemAlert error={error} />
      <ProfileForm name={name} spec={spec} onChange={setEdited} readOnly={!editable} error={error} />
      <PublishProfileDialog
        name={name}
        version={version}
        opened={publishing}
        onClose={() => setPublishing(false)}
        beforePublish={async () => {
          if (edited && !(await save()))
            throw new Error('the draft could not be saved; see the problems above');
        }}
      >
        Publishing validates the profile again and makes this version immutable. Clusters can then attach it.
        {edited ? ' Your unsaved changes are saved first.' : ''}
      </PublishProfileDialog>
    </Stack>
  );
}
