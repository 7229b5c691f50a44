import { Button, Group, Stack } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { ClusterProfileSpec } from '@strata/api';
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useSession } from '../../lib/session';
import { ProfileForm } from './ProfileForm';

/** A new profile: compose the first version and save it as a draft. */
export function NewProfile() {
  const { client, project } = useSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [spec, setSpec] = useState<ClusterProfileSpec>({
    type: 'full',
    version: '1.0.0',
    layers: [],
    variables: [],
  });
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  return (
    <Stack>
      <PageHeader
        title="New profile"
        description={`A draft in project ${project}; publish it when it is ready.`}
        actions={
          <Group>
            <Button variant="default" onClick={() => void navigate({ to: '/profiles' })}>
              Cancel
            </Button>
            <Button
              loading={busy}
              onClick={() => {
                setBusy(true);
                setError(undefined);
                client
                  .create(
                    {
                      apiVersion: 'strata.dev/v1alpha1',
                      kind: 'ClusterProfile',
                      metadata: { name, project },
                      spec,
                    },
                    { project },
                  )
                  .then(async () => {
                    await queryClient.invalidateQueries({ queryKey: ['list', 'ClusterProfile'] });
                    notifications.show({ message: `Draft ${name} ${spec.version} saved.` });
                    void navigate({
                      to: '/profiles/$name/versions/$version',
                      params: { name, version: spec.version },
                    });
                  }, setError)
                  .finally(() => setBusy(false));
              }}
            >
              Save draft
            </Button>
          </Group>
        }
      />
      <ProblemAlert error={error} />
      <ProfileForm name={name} onNameChange={setName} spec={spec} onChange={setSpec} error={error} />
    </Stack>
  );
}
