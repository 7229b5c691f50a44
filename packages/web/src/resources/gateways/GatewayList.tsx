import { Button, Modal, Progress, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { GatewayKind, type GatewayStatus, type Resource } from '@strata/api';
import { useState } from 'react';
import { PhaseBadge } from '../../components/Badges';
import { ConditionsTable } from '../../components/ConditionsTable';
import { Fact } from '../../components/Fact';
import { ResourcePage } from '../../components/ResourcePage';
import { timeAgo } from '../../lib/format';
import { optional, str, text } from '../../lib/resource-values';

type Gateway = Resource<Record<string, unknown>, Partial<GatewayStatus>>;

/** A gateway's phase; a new one shows Starting until its controller wrote a status. */
function GatewayPhase({ gateway }: { gateway: Gateway }) {
  return <PhaseBadge phase={gateway.status.phase ?? 'Starting'} />;
}

/** "4/4 ready", or what is building. */
function managersText(status: Partial<GatewayStatus>): string {
  if (status.build) return `building ${status.build.what} (${status.build.percent}%)`;
  const components = status.components ?? [];
  if (components.length === 0) return '—';
  return `${components.filter((c) => c.ready).length}/${components.length} ready`;
}

function GatewayDetails({ gateway, onClose }: { gateway: Gateway; onClose: () => void }) {
  const s = gateway.status;
  return (
    <Modal opened onClose={onClose} title={`Gateway ${gateway.metadata.name}`} size="xl">
      <Stack>
        <SimpleGrid cols={{ base: 2, md: 4 }}>
          <Fact label="Phase">
            <GatewayPhase gateway={gateway} />
          </Fact>
          <Fact label="Type">{text(gateway.spec.type) ?? 'embedded'}</Fact>
          <Fact label="Cluster API">{s.clusterApiVersion ?? '—'}</Fact>
          <Fact label="Last report">{s.lastReport ? timeAgo(s.lastReport) : 'never'}</Fact>
        </SimpleGrid>
        <Text size="sm">{s.message}</Text>
        {s.build && <Progress value={s.build.percent} aria-label={`building ${s.build.what}`} animated />}
        {s.components && s.components.length > 0 && (
          <section aria-label="Managers">
            <Title order={3} size="h6" mb="xs">
              Managers
            </Title>
            <Table fz="sm" aria-label="Managers">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Manager</Table.Th>
                  <Table.Th>Version</Table.Th>
                  <Table.Th>Ready</Table.Th>
                  <Table.Th>Webhook</Table.Th>
                  <Table.Th>Restarts</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {s.components.map((c) => (
                  <Table.Tr key={c.name}>
                    <Table.Td>{c.name}</Table.Td>
                    <Table.Td>{c.version}</Table.Td>
                    <Table.Td>{c.ready ? 'yes' : 'no'}</Table.Td>
                    <Table.Td>{c.webhookReachable ? 'reachable' : 'unreachable'}</Table.Td>
                    <Table.Td>{c.restarts}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </section>
        )}
        <section aria-label="Conditions">
          <Title order={3} size="h6" mb="xs">
            Conditions
          </Title>
          <ConditionsTable conditions={s.conditions} />
        </section>
      </Stack>
    </Modal>
  );
}

export function GatewayList() {
  const [open, setOpen] = useState<Gateway>();
  return (
    <>
      <ResourcePage<Gateway>
        kind={GatewayKind}
        title="Gateways"
        description="Management clusters that run the Cluster API controllers for the clusters assigned to them (spec.gateway)."
        columns={[
          { header: 'Phase', render: (g) => <GatewayPhase gateway={g} /> },
          { header: 'Type', render: (g) => text(g.spec.type) ?? 'embedded' },
          { header: 'Managers', render: (g) => managersText(g.status) },
          { header: 'Cluster API', render: (g) => g.status.clusterApiVersion ?? '—' },
          { header: 'Clusters', render: (g) => String(g.status.clusters ?? 0) },
          { header: 'Message', render: (g) => g.status.message ?? '' },
        ]}
        searchText={(g) => [g.status.phase, g.status.message]}
        actions={(g) => (
          <Button size="xs" variant="light" onClick={() => setOpen(g)}>
            Details
          </Button>
        )}
        deleteNote="A gateway that still runs clusters cannot be deleted."
        create={{
          fields: [
            { name: 'name', label: 'Name', required: true, path: '/metadata/name' },
            {
              name: 'type',
              label: 'Type',
              type: 'select',
              required: true,
              options: ['embedded'],
              description: "embedded: this server's own management cluster, built on first use.",
              path: '/spec/type',
            },
            { name: 'description', label: 'Description', path: '/spec/description' },
          ],
          build: (v) => ({
            kind: 'Gateway',
            metadata: { name: str(v.name) ?? '' },
            spec: optional({ type: str(v.type) ?? 'embedded', description: str(v.description) }),
          }),
        }}
      />
      {open && <GatewayDetails gateway={open} onClose={() => setOpen(undefined)} />}
    </>
  );
}
