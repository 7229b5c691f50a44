import { Badge, Card, Code, Group, Select, SimpleGrid, Stack, Table, Tabs, Text } from '@mantine/core';
import { useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { LazyYamlEditor } from '../../components/LazyYamlEditor';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePackCatalog } from './use-packs';

/** One pack: versions, description, constraints, presets, default values and the values schema. */
export function PackDetail() {
  const { name } = useParams({ from: '/packs/$name' });
  const catalog = usePackCatalog();
  const entry = catalog.entries.find((e) => e.name === name);
  const [version, setVersion] = useState<string | null>(null);
  const pack = entry?.versions.find((v) => v.spec.version === version) ?? entry?.versions[0];
  if (catalog.error) return <ProblemAlert error={catalog.error} />;
  if (!entry || !pack)
    return <PageHeader title={name} description={catalog.isPending ? 'Loading…' : 'No such pack.'} />;
  const s = pack.spec;
  const c = s.constraints ?? {};
  return (
    <Stack>
      <PageHeader title={s.displayName ?? name} description={s.description} />
      <Group>
        <Select
          label="Version"
          data={entry.versions.map((v) => v.spec.version)}
          value={pack.spec.version}
          onChange={setVersion}
          allowDeselect={false}
          w={200}
        />
        <Badge variant="outline" size="lg">
          {s.layer}
        </Badge>
        <Badge variant="light" size="lg">
          {s.type}
        </Badge>
        {pack.metadata.labels['strata.dev/builtin'] === 'true' && (
          <Badge color="gray" size="lg">
            built-in
          </Badge>
        )}
      </Group>
      <Card withBorder>
        <SimpleGrid cols={{ base: 1, md: 3 }}>
          <div>
            <Text size="xs" c="dimmed">
              Providers
            </Text>
            <Text size="sm">{s.providers?.join(', ') ?? 'all'}</Text>
          </div>
          <div>
            <Text size="xs" c="dimmed">
              Kubernetes
            </Text>
            <Text size="sm">{c.kubernetes ?? 'any'}</Text>
          </div>
          <div>
            <Text size="xs" c="dimmed">
              Content
            </Text>
            <Text size="sm">
              {s.chart
                ? `chart ${s.chart.name} ${s.chart.version} from ${s.chart.repository}`
                : s.bundledChart
                  ? `bundled chart ${s.bundledChart.name} ${s.bundledChart.version}`
                  : s.manifests?.length
                    ? `${s.manifests.length} manifest file(s)`
                    : 'informational (read by the provider)'}
            </Text>
          </div>
          {(['requires', 'optional', 'conflicts'] as const).map((k) =>
            c[k]?.length ? (
              <div key={k}>
                <Text size="xs" c="dimmed">
                  {k}
                </Text>
                <Text size="sm">
                  {c[k].map((d) => `${d.pack}${d.range ? ` ${d.range}` : ''}`).join(', ')}
                </Text>
              </div>
            ) : null,
          )}
          {s.digest && (
            <div>
              <Text size="xs" c="dimmed">
                Digest
              </Text>
              <Code>{s.digest.slice(0, 23)}…</Code>
            </div>
          )}
        </SimpleGrid>
      </Card>
      <Tabs defaultValue="values">
        <Tabs.List>
          <Tabs.Tab value="values">Default values</Tabs.Tab>
          <Tabs.Tab value="schema">Schema</Tabs.Tab>
          <Tabs.Tab value="presets">Presets ({s.presets?.length ?? 0})</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="values" pt="md">
          {s.values ? (
            <LazyYamlEditor label={`Default values of ${name} ${s.version}`} value={s.values} readOnly />
          ) : (
            <Text c="dimmed">No default values.</Text>
          )}
        </Tabs.Panel>
        <Tabs.Panel value="schema" pt="md">
          {s.schema ? (
            <Code block>{JSON.stringify(s.schema, null, 2)}</Code>
          ) : (
            <Text c="dimmed">No values schema.</Text>
          )}
        </Tabs.Panel>
        <Tabs.Panel value="presets" pt="md">
          <Table aria-label="Presets">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Preset</Table.Th>
                <Table.Th>Group</Table.Th>
                <Table.Th>Removes</Table.Th>
                <Table.Th>Adds</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(s.presets ?? []).map((p) => (
                <Table.Tr key={p.name}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {p.displayName ?? p.name}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {p.description ?? p.name}
                    </Text>
                  </Table.Td>
                  <Table.Td>{p.group ?? '—'}</Table.Td>
                  <Table.Td>{p.remove?.join(', ') ?? '—'}</Table.Td>
                  <Table.Td>{p.add ? <Code block>{p.add}</Code> : '—'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
