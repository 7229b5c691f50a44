import { Alert, Button, Group, Modal, NumberInput, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { DiscoveredPoolsTable } from '../../components/DiscoveryView';
import { ProblemAlert } from '../../components/ProblemAlert';
import type { ClusterObject } from '../../lib/clusters';
import { useSession } from '../../lib/session';
import { discoveryOf } from '../import/import-api';

/** An imported cluster's nodes are discovered, not managed: no scale (the provider refuses it), no repave. */
function DiscoveredNodes({ cluster }: { cluster: ClusterObject }) {
  const discovery = discoveryOf(cluster);
  return (
    <Stack>
      <Alert color="gray" role="status">
        Strata did not build {cluster.metadata.name}: its nodes are discovered by the agent, not managed.
        Scale and repave them with the tools that made the cluster.
      </Alert>
      {discovery ? (
        <DiscoveredPoolsTable pools={discovery.nodePools} />
      ) : (
        <Text size="sm" c="dimmed">
          The agent has not reported the nodes yet.
        </Text>
      )}
    </Stack>
  );
}

/** Pools with desired and ready counts; scale a pool within its min/max (POST .../scale). */
export function NodePoolsTab({ cluster }: { cluster: ClusterObject }) {
  if (cluster.spec.provider === 'imported') return <DiscoveredNodes cluster={cluster} />;
  return <ManagedPools cluster={cluster} />;
}

function ManagedPools({ cluster }: { cluster: ClusterObject }) {
  const { client, project, can } = useSession();
  const [scaling, setScaling] = useState<string>();
  const [count, setCount] = useState<number | string>(0);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const status = new Map((cluster.status?.nodePools ?? []).map((p) => [p.name, p]));
  const pool = cluster.spec.nodePools.find((p) => p.name === scaling);
  const mayScale = can('cluster', 'scale');
  return (
    <>
      <Table withTableBorder aria-label="Node pools">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Pool</Table.Th>
            <Table.Th>Role</Table.Th>
            <Table.Th>Desired</Table.Th>
            <Table.Th>Ready</Table.Th>
            <Table.Th>Min / max</Table.Th>
            <Table.Th>Version</Table.Th>
            {mayScale && <Table.Th>Action</Table.Th>}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {cluster.spec.nodePools.map((p) => {
            const s = status.get(p.name);
            return (
              <Table.Tr key={p.name}>
                <Table.Td>{p.name}</Table.Td>
                <Table.Td>{p.controlPlane ? 'control plane' : 'workers'}</Table.Td>
                <Table.Td>{p.count}</Table.Td>
                <Table.Td>{s ? `${s.ready}/${s.desired}` : '—'}</Table.Td>
                <Table.Td>
                  {p.min ?? '—'} / {p.max ?? '—'}
                </Table.Td>
                <Table.Td>{s?.version ?? '—'}</Table.Td>
                {mayScale && (
                  <Table.Td>
                    <Button
                      size="compact-sm"
                      variant="light"
                      aria-label={`Scale pool ${p.name}`}
                      onClick={() => {
                        setScaling(p.name);
                        setCount(p.count);
                        setError(undefined);
                      }}
                    >
                      Scale
                    </Button>
                  </Table.Td>
                )}
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
      <Modal
        opened={scaling !== undefined}
        onClose={() => setScaling(undefined)}
        title={`Scale pool ${scaling ?? ''}`}
        centered
      >
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (!scaling) return;
            setBusy(true);
            setError(undefined);
            client.clusters
              .scale(cluster.metadata.name, { pool: scaling, count: Number(count) }, { project })
              .then(() => {
                notifications.show({ message: `Pool ${scaling} scales to ${String(count)} nodes.` });
                setScaling(undefined);
              }, setError)
              .finally(() => setBusy(false));
          }}
        >
          <Stack>
            <NumberInput
              label="Nodes"
              value={count}
              onChange={setCount}
              min={pool?.min ?? 0}
              max={pool?.max ?? 1000}
              description={
                pool?.controlPlane ? 'A control plane needs an odd count (etcd quorum).' : undefined
              }
              data-autofocus
            />
            <Text size="sm" c="dimmed">
              New nodes join before old ones are removed.
            </Text>
            <ProblemAlert error={error} />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setScaling(undefined)}>
                Cancel
              </Button>
              <Button type="submit" loading={busy}>
                Scale
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
