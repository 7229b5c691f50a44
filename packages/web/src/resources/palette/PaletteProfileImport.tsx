import { Alert, Button, Group, Modal, Stack, Text, Textarea, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { ProfileImportResult } from '@strata/client';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useSession } from '../../lib/session';
import { ImportReport, noteCounts } from './ImportReport';

const MAX_TEXT = 4 * 1024 * 1024;
const OUTCOME = {
  created: 'created as a draft',
  valid: 'is valid and can be imported',
  invalid: 'is not valid yet',
  'not-convertible': 'cannot be converted',
} as const;

/** "Import from Palette" on the Profiles page: a profile export (YAML, JSON or Terraform), checked, then imported. */
export function PaletteProfileImport() {
  const { client, project } = useSession();
  const queryClient = useQueryClient();
  const [opened, setOpened] = useState(false);
  const [text, setText] = useState('');
  const [result, setResult] = useState<ProfileImportResult>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const send = async (dryRun: boolean) => {
    setBusy(true);
    setError(undefined);
    try {
      const r = await client.importPaletteProfiles({ text, dryRun, ...(project ? { project } : {}) });
      setResult(r);
      if (!dryRun) {
        await queryClient.invalidateQueries({ queryKey: ['list', 'ClusterProfile'] });
        notifications.show({
          message: `${r.items.length} profiles imported as drafts.`,
          closeButtonProps: { 'aria-label': 'Close notification' },
        });
      }
    } catch (err) {
      setError(err);
      setResult(undefined);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button variant="default" onClick={() => setOpened(true)}>
        Import from Palette
      </Button>
      <Modal
        opened={opened}
        onClose={() => setOpened(false)}
        title="Import Palette cluster profiles"
        size="xl"
        closeButtonProps={{ 'aria-label': 'Close' }}
      >
        <Stack>
          <Text size="sm">
            A profile export (YAML), import JSON or Terraform with spectrocloud_cluster_profile resources.
            Import the packs first. Check converts and validates and stores nothing; Import creates every
            profile as a draft, or none.
          </Text>
          <input
            type="file"
            aria-label="Palette profile file"
            accept=".yaml,.yml,.json,.tf"
            onChange={(e) => {
              const file = e.currentTarget.files?.[0];
              setResult(undefined);
              if (!file) return;
              if (file.size > MAX_TEXT) {
                setError(new Error(`${file.name} is larger than 4 MiB`));
                return;
              }
              file.text().then(setText, setError);
            }}
          />
          <Textarea
            label="Profile text"
            autosize
            minRows={6}
            maxRows={16}
            ff="monospace"
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
          />
          <Group>
            <Button variant="default" disabled={!text} loading={busy} onClick={() => void send(true)}>
              Check
            </Button>
            <Button disabled={!text} loading={busy} onClick={() => void send(false)}>
              Import
            </Button>
          </Group>
          <ProblemAlert error={error} />
          {result && <ImportReport notes={result.report} label="File report" />}
          {result?.items.map((item) => (
            <Stack key={item.source} gap="xs">
              <Title order={5}>
                {item.name ? `${item.name} ${item.version ?? ''}` : `Profile at ${item.source}`}
              </Title>
              <Alert color={item.action === 'valid' || item.action === 'created' ? 'teal' : 'red'}>
                {OUTCOME[item.action]} ({noteCounts(item.report)}
                {item.issues.length ? `, ${item.issues.length} validation problems` : ''})
              </Alert>
              <ImportReport
                notes={item.report}
                issues={item.issues}
                label={`Report for ${item.name ?? item.source}`}
              />
            </Stack>
          ))}
        </Stack>
      </Modal>
    </>
  );
}
