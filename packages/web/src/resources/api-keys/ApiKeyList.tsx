import { Alert, Badge, Button, Code, CopyButton, Group, Modal, Stack, Text } from '@mantine/core';
import { ApiKeyKind } from '@strata/api';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ResourcePage } from '../../components/ResourcePage';
import { optional, str, text, type SpecObject } from '../../lib/resource-values';
import { useSession } from '../../lib/session';

export function ApiKeyList() {
  const { client, can } = useSession();
  const queryClient = useQueryClient();
  const [shown, setShown] = useState<{ name: string; key: string }>();
  const [revoking, setRevoking] = useState<string>();
  return (
    <>
      <ResourcePage<SpecObject>
        kind={ApiKeyKind}
        title="API keys"
        description="Bearer tokens for the CLI and automation. A key is shown once, when it is created."
        columns={[
          { header: 'User', render: (k) => text(k.spec.user) },
          { header: 'Description', render: (k) => text(k.spec.description) },
          { header: 'Expires', render: (k) => (k.spec.expiresAt ? text(k.spec.expiresAt) : 'never') },
          {
            header: 'State',
            render: (k) =>
              k.spec.revoked ? (
                <Badge color="red" variant="light">
                  revoked
                </Badge>
              ) : k.metadata.labels['strata.dev/session'] === 'true' ? (
                <Badge color="gray" variant="light">
                  sign-in session
                </Badge>
              ) : (
                <Badge color="green" variant="light">
                  active
                </Badge>
              ),
          },
        ]}
        searchText={(k) => [text(k.spec.user), text(k.spec.description)]}
        actions={(k) =>
          !k.spec.revoked && can('apikey', 'update', 'tenant') ? (
            <Button
              size="compact-sm"
              variant="subtle"
              color="orange"
              aria-label={`Revoke ${k.metadata.name}`}
              onClick={() => setRevoking(k.metadata.name)}
            >
              Revoke
            </Button>
          ) : null
        }
        create={{
          fields: [
            { name: 'name', label: 'Name', required: true, path: '/metadata/name' },
            { name: 'description', label: 'Description', path: '/spec/description' },
            {
              name: 'expiresAt',
              label: 'Expires at',
              description: 'ISO time, e.g. 2030-01-01T00:00:00Z; empty: never',
              path: '/spec/expiresAt',
            },
          ],
          build: (v) => ({
            kind: 'ApiKey',
            metadata: { name: str(v.name) ?? '' },
            spec: optional({ description: str(v.description), expiresAt: str(v.expiresAt) }),
          }),
          onCreated: (k) => k.key && setShown({ name: k.metadata.name, key: k.key }),
        }}
      />
      <Modal
        opened={shown !== undefined}
        onClose={() => setShown(undefined)}
        title={`API key ${shown?.name ?? ''}`}
        centered
        size="lg"
      >
        <Stack>
          <Alert color="yellow" role="status">
            Copy the key now: it is not shown again. Only its hash is stored.
          </Alert>
          <Code block data-testid="new-api-key">
            {shown?.key}
          </Code>
          <Group justify="flex-end">
            <CopyButton value={shown?.key ?? ''}>
              {({ copied, copy }) => (
                <Button variant="light" onClick={copy}>
                  {copied ? 'Copied' : 'Copy'}
                </Button>
              )}
            </CopyButton>
            <Button onClick={() => setShown(undefined)}>Done</Button>
          </Group>
        </Stack>
      </Modal>
      <ConfirmDialog
        opened={revoking !== undefined}
        onClose={() => setRevoking(undefined)}
        title={`Revoke API key ${revoking ?? ''}?`}
        confirmLabel="Revoke"
        danger
        onConfirm={async () => {
          await client.patch(ApiKeyKind, revoking!, { spec: { revoked: true } });
          await queryClient.invalidateQueries({ queryKey: ['list', 'ApiKey'] });
        }}
      >
        <Text size="sm">Requests with this key fail from now on. A revoked key cannot be reinstated.</Text>
      </ConfirmDialog>
    </>
  );
}
