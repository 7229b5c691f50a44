import { Badge, Card, Group, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import type { ClusterDiscovery, DiscoveredNodePool } from '@strata/api';
import { useDeferredValue, useMemo, useState, type ReactNode } from 'react';
import { matchesSearch, timeAgo } from '../lib/format';
import { HelmReleasesTable, WorkloadsTable, namespaceLabel } from './DiscoveryLists';
import { Fact } from './Fact';

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Card withBorder component="section" aria-label={title} padding="sm">
      <Title order={2} size="h5" mb="xs">
        {title}
      </Title>
      {children}
    </Card>
  );
}

function capacity(p: DiscoveredNodePool): string {
  return [p.cpu && `${p.cpu} CPU`, p.memory, p.instanceType].filter(Boolean).join(' · ') || '—';
}

/** Inferred node pools: role, nodes ready/total, capacity of one node, OS image, kubelet, taints. */
export function DiscoveredPoolsTable({ pools }: { pools: readonly DiscoveredNodePool[] }) {
  return (
    <Table withTableBorder fz="sm" aria-label="Discovered node pools">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Pool</Table.Th>
          <Table.Th>Role</Table.Th>
          <Table.Th>Nodes</Table.Th>
          <Table.Th>Capacity per node</Table.Th>
          <Table.Th>OS image</Table.Th>
          <Table.Th>Kubelet</Table.Th>
          <Table.Th>Taints</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {pools.map((p) => (
          <Table.Tr key={p.name}>
            <Table.Td>{p.name}</Table.Td>
            <Table.Td>{p.controlPlane ? 'control plane' : 'workers'}</Table.Td>
            <Table.Td>
              {p.ready}/{p.count} ready
            </Table.Td>
            <Table.Td>{capacity(p)}</Table.Td>
            <Table.Td>{p.osImage ?? '—'}</Table.Td>
            <Table.Td>{p.kubeletVersion ?? '—'}</Table.Td>
            <Table.Td className="mono">
              {p.taints.map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`).join(', ') || '—'}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/**
 * What an imported cluster's agent discovered: distribution and version, nodes grouped into inferred pools, CNI,
 * CSI drivers and StorageClasses (default marked), ingress controllers, Helm releases (values on demand) and the
 * other workloads by namespace and owner. One search box and a namespace filter narrow every list.
 */
export function DiscoveryView({ discovery }: { discovery: ClusterDiscovery }) {
  const [search, setSearch] = useState('');
  const [namespace, setNamespace] = useState<string | null>(null);
  const query = useDeferredValue(search);
  const d = discovery;
  const namespaces = useMemo(() => {
    const all = new Set<string>();
    for (const r of d.helmReleases) all.add(r.namespace);
    for (const w of d.workloads) all.add(w.namespace ?? '');
    return [...all].sort().map((ns) => ({ value: ns, label: namespaceLabel(ns) }));
  }, [d]);
  const inNamespace = (ns: string | undefined) => namespace === null || (ns ?? '') === namespace;
  const pools = d.nodePools.filter((p) =>
    matchesSearch(query, [
      p.name,
      p.controlPlane ? 'control plane' : 'workers',
      p.instanceType,
      p.osImage,
      p.kubeletVersion,
      ...Object.entries(p.labels).map(([k, v]) => `${k}=${v}`),
    ]),
  );
  const releases = d.helmReleases.filter(
    (r) =>
      inNamespace(r.namespace) && matchesSearch(query, [r.name, r.namespace, r.chart, r.version, r.status]),
  );
  const workloads = useMemo(
    () =>
      d.workloads.filter(
        (w) =>
          (namespace === null || (w.namespace ?? '') === namespace) &&
          matchesSearch(query, [w.kind, w.name, w.namespace, w.managedBy, w.apiVersion]),
      ),
    [d.workloads, namespace, query],
  );
  const classes = d.csi.storageClasses.filter((s) => matchesSearch(query, [s.name, s.provisioner]));
  const nodes = d.nodePools.reduce((n, p) => n + p.count, 0);
  return (
    <Stack gap="md" data-testid="discovery">
      <Card withBorder component="section" aria-label="Discovery summary" padding="sm">
        <SimpleGrid cols={{ base: 2, md: 4 }}>
          <Fact label="Distribution">
            <Badge variant="light">{d.distribution.name}</Badge>{' '}
            {d.distribution.evidence.length > 0 && (
              <Text span size="xs" c="dimmed">
                ({d.distribution.evidence.join('; ')})
              </Text>
            )}
          </Fact>
          <Fact label="Kubernetes">{d.kubernetesVersion}</Fact>
          <Fact label="Nodes">
            {nodes} in {d.nodePools.length} pool{d.nodePools.length === 1 ? '' : 's'}
          </Fact>
          <Fact label="Objects">
            {d.counts.objects} in {d.counts.namespaces} namespaces
          </Fact>
          <Fact label="Discovered">
            {timeAgo(d.observedAt)} (took {(d.durationMs / 1000).toFixed(1)} s)
          </Fact>
          <Fact label="CNI">
            {d.cni.length
              ? d.cni.map((c) => `${c.name}${c.version ? ` ${c.version}` : ''}`).join(', ')
              : 'none found'}
          </Fact>
          <Fact label="CSI drivers">{d.csi.drivers.join(', ') || 'none found'}</Fact>
          <Fact label="Ingress controllers">
            {d.ingress.length
              ? d.ingress.map((i) => (i.namespace ? `${i.name} (${i.namespace})` : i.name)).join(', ')
              : 'none found'}
          </Fact>
        </SimpleGrid>
      </Card>
      <Group align="flex-end" gap="sm">
        <TextInput
          label="Filter discovery"
          placeholder="name, chart, kind, label, owner"
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          w={280}
        />
        <Select
          label="Namespace"
          data={namespaces}
          value={namespace}
          onChange={setNamespace}
          clearable
          searchable
          placeholder="Any"
          w={220}
        />
      </Group>
      <Section title="Node pools">
        <DiscoveredPoolsTable pools={pools} />
      </Section>
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <Section title="Networking">
          <Table fz="sm" aria-label="CNI and ingress">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Component</Table.Th>
                <Table.Th>Name</Table.Th>
                <Table.Th>Evidence</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {d.cni.map((c) => (
                <Table.Tr key={`cni-${c.name}`}>
                  <Table.Td>CNI</Table.Td>
                  <Table.Td>
                    {c.name}
                    {c.version ? ` ${c.version}` : ''}
                  </Table.Td>
                  <Table.Td>{c.evidence}</Table.Td>
                </Table.Tr>
              ))}
              {d.ingress.map((i) => (
                <Table.Tr key={`ing-${i.namespace ?? ''}-${i.name}`}>
                  <Table.Td>Ingress</Table.Td>
                  <Table.Td>
                    {i.name}
                    {i.namespace ? ` (${i.namespace})` : ''}
                  </Table.Td>
                  <Table.Td>{i.evidence}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {d.cni.length + d.ingress.length === 0 && (
            <Text size="sm" c="dimmed">
              No CNI or ingress controller recognised.
            </Text>
          )}
        </Section>
        <Section title="Storage">
          <Text size="sm" mb="xs">
            CSI drivers: {d.csi.drivers.join(', ') || 'none'}
          </Text>
          <Table fz="sm" aria-label="Storage classes">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>StorageClass</Table.Th>
                <Table.Th>Provisioner</Table.Th>
                <Table.Th>Default</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {classes.map((s) => (
                <Table.Tr key={s.name}>
                  <Table.Td>{s.name}</Table.Td>
                  <Table.Td className="mono">{s.provisioner}</Table.Td>
                  <Table.Td>
                    {s.default ? (
                      <Badge color="teal" variant="light" size="sm">
                        default
                      </Badge>
                    ) : (
                      ''
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {classes.length === 0 && (
            <Text size="sm" c="dimmed">
              No StorageClass{query ? ' matches the filter' : ''}.
            </Text>
          )}
        </Section>
      </SimpleGrid>
      <Section title={`Helm releases (${releases.length} of ${d.helmReleases.length})`}>
        <HelmReleasesTable releases={releases} />
      </Section>
      <Section title={`Other workloads (${workloads.length} of ${d.workloads.length})`}>
        <Text size="sm" c="dimmed" mb="xs">
          Objects no Helm release owns, by namespace and by what manages them.
        </Text>
        <WorkloadsTable workloads={workloads} />
      </Section>
    </Stack>
  );
}
