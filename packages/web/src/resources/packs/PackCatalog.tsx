import { Badge, Group, SegmentedControl, Stack, Table, Text, TextInput } from '@mantine/core';
import { PACK_LAYERS } from '@strata/api';
import { useState } from 'react';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { matchesSearch } from '../../lib/format';
import { usePackCatalog } from './use-packs';
import { AnchorLink } from '../../components/links';
import { useSession } from '../../lib/session';
import { PalettePackImport } from '../palette/PalettePackImport';

/** The pack catalog by layer: built-in packs, pushed packs and charts from pack sources. */
export function PackCatalog() {
  const catalog = usePackCatalog();
  const { can } = useSession();
  const [layer, setLayer] = useState('all');
  const [search, setSearch] = useState('');
  const entries = catalog.entries.filter(
    (e) =>
      (layer === 'all' || e.layer === layer) &&
      matchesSearch(search, [e.name, e.displayName, e.category, e.description]),
  );
  return (
    <Stack>
      <PageHeader
        title="Packs"
        description={`${catalog.entries.length} packs: the building blocks of profiles.`}
        actions={can('pack', 'create', 'tenant') && <PalettePackImport />}
      />
      <ProblemAlert error={catalog.error} />
      <Group align="flex-end" wrap="wrap">
        <TextInput
          label="Search"
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          w={260}
          placeholder="name, category"
        />
        <SegmentedControl
          aria-label="Layer"
          value={layer}
          onChange={setLayer}
          data={['all', ...PACK_LAYERS]}
        />
      </Group>
      <Table withTableBorder highlightOnHover aria-label="Packs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Pack</Table.Th>
            <Table.Th>Layer</Table.Th>
            <Table.Th>Category</Table.Th>
            <Table.Th>Versions</Table.Th>
            <Table.Th>Type</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {entries.map((e) => (
            <Table.Tr key={e.name}>
              <Table.Td>
                <AnchorLink to="/packs/$name" params={{ name: e.name }} fw={500}>
                  {e.displayName}
                </AnchorLink>
                <Text size="xs" c="dimmed" lineClamp={1}>
                  {e.description ?? e.name}
                </Text>
              </Table.Td>
              <Table.Td>
                <Badge variant="outline">{e.layer}</Badge>
              </Table.Td>
              <Table.Td>{e.category ?? '—'}</Table.Td>
              <Table.Td>{e.versions.map((v) => v.spec.version).join(', ')}</Table.Td>
              <Table.Td>{e.versions[0]?.spec.type}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {!catalog.isPending && entries.length === 0 && <Text c="dimmed">No pack matches.</Text>}
    </Stack>
  );
}
