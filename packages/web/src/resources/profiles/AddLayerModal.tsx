import {
  Badge,
  Button,
  Group,
  Modal,
  ScrollArea,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { PACK_LAYERS, type ProfileLayer } from '@strata/api';
import { useState } from 'react';
import { matchesSearch } from '../../lib/format';
import { usePackCatalog } from '../packs/use-packs';

/** Adds a layer: a pack (and version) from the catalog, or an inline manifest. */
export function AddLayerModal({
  opened,
  onClose,
  onAdd,
  taken,
}: {
  opened: boolean;
  onClose: () => void;
  onAdd: (layer: ProfileLayer) => void;
  taken: readonly string[];
}) {
  const catalog = usePackCatalog();
  const [mode, setMode] = useState('pack');
  const [search, setSearch] = useState('');
  const [layerKind, setLayerKind] = useState<string | null>(null);
  const [picked, setPicked] = useState<string>();
  const [version, setVersion] = useState<string | null>(null);
  const [manifestName, setManifestName] = useState('');
  const entries = catalog.entries.filter(
    (e) =>
      (!layerKind || e.layer === layerKind) &&
      matchesSearch(search, [e.name, e.displayName, e.category, e.description]),
  );
  const entry = catalog.entries.find((e) => e.name === picked);
  const reset = () => {
    setPicked(undefined);
    setVersion(null);
    setManifestName('');
    onClose();
  };
  return (
    <Modal opened={opened} onClose={reset} title="Add a layer" size="xl">
      <Stack>
        <SegmentedControl
          value={mode}
          onChange={setMode}
          data={[
            { value: 'pack', label: 'Pack from the catalog' },
            { value: 'manifest', label: 'Inline manifest' },
          ]}
          aria-label="Layer source"
        />
        {mode === 'pack' ? (
          <>
            <Group align="flex-end">
              <TextInput
                label="Search packs"
                value={search}
                onChange={(e) => setSearch(e.currentTarget.value)}
                data-autofocus
                w={240}
              />
              <Select
                label="Layer"
                data={[...PACK_LAYERS]}
                value={layerKind}
                onChange={setLayerKind}
                clearable
                placeholder="Any"
                w={120}
              />
            </Group>
            <ScrollArea h={300} type="auto">
              <Table highlightOnHover aria-label="Pack catalog" fz="sm">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Pack</Table.Th>
                    <Table.Th>Layer</Table.Th>
                    <Table.Th>Newest</Table.Th>
                    <Table.Th>Choose</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {entries.map((e) => (
                    <Table.Tr key={e.name} aria-selected={picked === e.name}>
                      <Table.Td>
                        <Text size="sm" fw={500}>
                          {e.displayName}
                        </Text>
                        <Text size="xs" c="dimmed">
                          {e.name}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Badge variant="outline" size="sm">
                          {e.layer}
                        </Badge>
                      </Table.Td>
                      <Table.Td>{e.versions[0]?.spec.version}</Table.Td>
                      <Table.Td>
                        <Button
                          size="compact-sm"
                          variant={picked === e.name ? 'filled' : 'light'}
                          aria-label={`Choose ${e.name}`}
                          onClick={() => {
                            setPicked(e.name);
                            setVersion(e.versions[0]?.spec.version ?? null);
                          }}
                        >
                          {picked === e.name ? 'Chosen' : 'Choose'}
                        </Button>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </ScrollArea>
            {entry && (
              <Group align="flex-end">
                <Select
                  label={`Version of ${entry.name}`}
                  data={entry.versions.map((v) => v.spec.version)}
                  value={version}
                  onChange={setVersion}
                  allowDeselect={false}
                  w={200}
                />
                {taken.includes(entry.name) && (
                  <Text size="sm" c="red">
                    A layer named {entry.name} exists already.
                  </Text>
                )}
              </Group>
            )}
          </>
        ) : (
          <TextInput
            label="Layer name"
            value={manifestName}
            onChange={(e) => setManifestName(e.currentTarget.value)}
            description="A DNS label, unique in the profile"
            data-autofocus
          />
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={reset}>
            Cancel
          </Button>
          <Button
            disabled={mode === 'pack' ? !entry || !version : !manifestName}
            onClick={() => {
              if (mode === 'pack' && entry && version) onAdd({ pack: entry.name, version });
              else
                onAdd({
                  name: manifestName,
                  manifest: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: example\ndata: {}\n',
                });
              reset();
            }}
          >
            Add layer
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
