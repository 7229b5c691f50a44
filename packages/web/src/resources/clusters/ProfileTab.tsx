import { Alert, Button, Card, Code, Group, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import type { ClusterObject } from '../../lib/clusters';
import { useSession } from '../../lib/session';
import { UpgradeWizard } from './UpgradeWizard';
import { useAttachedProfiles } from './use-cluster';
import { AnchorLink } from '../../components/links';

/** Attached profile versions with this cluster's variables and overrides; upgrade wizard; repave approval. */
export function ProfileTab({ cluster }: { cluster: ClusterObject }) {
  const { client, project, can } = useSession();
  const [upgrading, setUpgrading] = useState<{
    profile: string;
    project?: string;
    from: string;
    to?: string;
  }>();
  const [approving, setApproving] = useState(false);
  const profiles = useAttachedProfiles(cluster);
  const name = cluster.metadata.name;
  const updates = cluster.status?.updatesAvailable ?? [];
  const repave = cluster.status?.pendingRepave;
  return (
    <Stack>
      {repave && (
        <Alert
          color={repave.approved ? 'blue' : 'orange'}
          title={repave.approved ? 'Repave approved' : 'Repave waiting for approval'}
        >
          <Text size="sm">
            {repave.reason}. Pools: {repave.pools.join(', ')}. Target: <Code>{repave.target}</Code>
            {repave.approvedBy ? ` (approved by ${repave.approvedBy})` : ''}
          </Text>
          {!repave.approved && can('cluster', 'approve-repave') && cluster.spec.provider !== 'imported' && (
            <Button mt="sm" color="orange" onClick={() => setApproving(true)}>
              Approve repave
            </Button>
          )}
        </Alert>
      )}
      {(cluster.spec.profiles ?? []).map((ref, i) => {
        const decl = profiles[i]?.data;
        const update = updates.find((u) => u.profile === ref.name);
        const secret = new Set(
          (decl?.spec.variables ?? []).filter((v) => v.sensitive || v.type === 'secret').map((v) => v.name),
        );
        return (
          <Card key={ref.name} withBorder component="section" aria-label={`Profile ${ref.name}`}>
            <Group justify="space-between">
              <Title order={2} size="h5">
                <AnchorLink to="/profiles/$name" params={{ name: ref.name }}>
                  {ref.name}
                </AnchorLink>{' '}
                {ref.version}
              </Title>
              <Group gap="xs">
                {update && (
                  <Text size="sm" c="blue">
                    {update.to} is available
                  </Text>
                )}
                {can('cluster', 'upgrade') && (
                  <Button
                    size="sm"
                    variant={update ? 'filled' : 'light'}
                    onClick={() =>
                      setUpgrading({
                        profile: ref.name,
                        project: ref.project,
                        from: ref.version,
                        to: update?.to,
                      })
                    }
                  >
                    Upgrade…
                  </Button>
                )}
              </Group>
            </Group>
            <Text size="sm" c="dimmed" mb="xs">
              {decl?.spec.description ?? ''}
            </Text>
            <Table fz="sm" aria-label={`Variables of ${ref.name}`}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Variable</Table.Th>
                  <Table.Th>Value on this cluster</Table.Th>
                  <Table.Th>Default</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {(decl?.spec.variables ?? []).map((v) => {
                  const given = ref.variables?.[v.name];
                  return (
                    <Table.Tr key={v.name}>
                      <Table.Td>{v.name}</Table.Td>
                      <Table.Td className="mono">
                        {given === undefined ? '—' : secret.has(v.name) ? '********' : String(given)}
                      </Table.Td>
                      <Table.Td className="mono">
                        {v.default === undefined ? '—' : secret.has(v.name) ? '********' : String(v.default)}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
            {ref.overrides && Object.keys(ref.overrides).length > 0 && (
              <Stack gap={4} mt="sm">
                <Text size="sm" fw={600}>
                  Overrides
                </Text>
                {Object.entries(ref.overrides).map(([layer, o]) => (
                  <Text size="sm" key={layer}>
                    <Code>{layer}</Code> {o.presets?.length ? `presets ${o.presets.join(', ')}` : ''}
                    {o.values ? <Code block>{o.values}</Code> : null}
                  </Text>
                ))}
              </Stack>
            )}
          </Card>
        );
      })}
      {upgrading && (
        <UpgradeWizard
          opened
          cluster={name}
          profile={upgrading.profile}
          profileProject={upgrading.project}
          currentVersion={upgrading.from}
          suggested={upgrading.to}
          onClose={() => setUpgrading(undefined)}
        />
      )}
      <ConfirmDialog
        opened={approving}
        onClose={() => setApproving(false)}
        title={`Approve the repave of ${name}?`}
        confirmLabel="Approve repave"
        danger
        onConfirm={async () => {
          await client.clusters.approveRepave(name, { project });
          notifications.show({ message: `Repave of ${name} approved.` });
        }}
      >
        <Text size="sm">
          Nodes of pools {repave?.pools.join(', ')} are replaced one by one, control plane first. Workloads
          move to new nodes.
        </Text>
      </ConfirmDialog>
    </Stack>
  );
}
