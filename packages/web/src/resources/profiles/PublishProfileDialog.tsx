import { Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { ClusterProfileKind } from '@strata/api';
import { useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { useSession } from '../../lib/session';

/**
 * Asks before publishing a profile version, publishes it, refreshes the version and the profile list, and says so.
 * `beforePublish` runs first (the editor saves its draft; throwing keeps the dialog open with the error).
 */
export function PublishProfileDialog(props: {
  name: string;
  version: string;
  opened: boolean;
  onClose: () => void;
  beforePublish?: () => Promise<void>;
  children: ReactNode;
}) {
  const { client, project } = useSession();
  const queryClient = useQueryClient();
  const { name, version } = props;
  return (
    <ConfirmDialog
      opened={props.opened}
      onClose={props.onClose}
      title={`Publish ${name} ${version}?`}
      confirmLabel="Publish"
      onConfirm={async () => {
        await props.beforePublish?.();
        await client.action(ClusterProfileKind, name, 'publish', {}, { project, version });
        await queryClient.invalidateQueries({ queryKey: ['profile-version', project, name, version] });
        await queryClient.invalidateQueries({ queryKey: ['list', 'ClusterProfile'] });
        notifications.show({
          message: `${name} ${version} is published.`,
          closeButtonProps: { 'aria-label': 'Close notification' },
        });
      }}
    >
      <Text size="sm">{props.children}</Text>
    </ConfirmDialog>
  );
}
