import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { PackFiles, PackImportResult } from '@strata/client';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useSession } from '../../lib/session';
import { packFilesOf, pickedFile } from './browser-files';
import { ImportReport, noteCounts } from './ImportReport';

/** "Import from Palette" on the Packs page: pick a Palette pack directory, check it (dry run), import it. */
export function PalettePackImport() {
  const { client } = useSession();
  const queryClient = useQueryClient();
  const [opened, setOpened] = useState(false);
  const [picked, setPicked] = useState<{ source: string; files: PackFiles }>();
  const [result, setResult] = useState<PackImportResult>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const reset = () => {
    setPicked(undefined);
    setResult(undefined);
    setError(undefined);
  };
  const send = async (dryRun: boolean) => {
    if (!picked) return;
    setBusy(true);
    setError(undefined);
    try {
      const r = await client.importPalettePack(picked.files, { source: picked.source, dryRun });
      setResult(r);
      if (!dryRun) {
        await queryClient.invalidateQueries({ queryKey: ['list', 'Pack'] });
        notifications.show({
          message: `${r.name ?? 'pack'} ${r.version ?? ''} ${r.action}.`,
          closeButtonProps: { 'aria-label': 'Close notification' },
        });
      }
    } catch (err) {
      setError(err);
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
        onClose={() => {
          setOpened(false);
          reset();
        }}
        title="Import a Palette pack"
        size="xl"
        closeButtonProps={{ 'aria-label': 'Close' }}
      >
        <Stack>
          <Text size="sm">
            Choose a Palette pack directory (with pack.json). Check shows what converts and what is left out,
            and stores nothing.
          </Text>
          <input
            type="file"
            aria-label="Palette pack directory"
            // A directory picker: every file below the chosen directory.
            {...{ webkitdirectory: '', directory: '' }}
            multiple
            onChange={(e) => {
              reset();
              const list = [...(e.currentTarget.files ?? [])].map(pickedFile);
              packFilesOf(list).then(setPicked, setError);
            }}
          />
          {picked && (
            <Text size="sm">
              {picked.source}: {Object.keys(picked.files).length} files
            </Text>
          )}
          <Group>
            <Button variant="default" disabled={!picked} loading={busy} onClick={() => void send(true)}>
              Check
            </Button>
            <Button disabled={!picked} loading={busy} onClick={() => void send(false)}>
              Import
            </Button>
          </Group>
          <ProblemAlert error={error} />
          {result && (
            <>
              <Alert color={result.action === 'not-convertible' ? 'red' : 'teal'}>
                {result.name ? `${result.name} ${result.version ?? ''}` : 'The pack'}{' '}
                {
                  {
                    convertible: 'can be imported',
                    'not-convertible': 'cannot be imported',
                    created: 'was imported',
                    unchanged: 'is already imported with the same content',
                  }[result.action]
                }{' '}
                ({noteCounts(result.report)})
              </Alert>
              <ImportReport notes={result.report} label="Conversion report" />
            </>
          )}
        </Stack>
      </Modal>
    </>
  );
}
