import { Button, Card, Code, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { ConditionsTable } from '../../components/ConditionsTable';
import { Fact } from '../../components/Fact';
import { ProblemAlert } from '../../components/ProblemAlert';
import type { ClusterObject } from '../../lib/clusters';
import { downloadText, timeAgo } from '../../lib/format';
import { useSession } from '../../lib/session';

/** Endpoint, versions, agent, revisions, policy and conditions; kubeconfig download (audited on the server). */
export function OverviewTab({ cluster }: { cluster: ClusterObject }) {
  const { client, project, can } = useSession();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const s = cluster.status ?? {};
  const name = cluster.metadata.name;
  const policy = cluster.spec.policy ?? {};
  return (
    <Stack>
      <Card withBorder>
        <SimpleGrid cols={{ base: 2, md: 4 }}>
          <Fact label="Endpoint">{s.endpoint ? <Code>{s.endpoint}</Code> : '—'}</Fact>
          <Fact label="Kubernetes">
            {s.kubernetesVersion ?? cluster.spec.kubernetesVersion ?? 'from-profile'}
          </Fact>
          <Fact label="Provider">
            {cluster.spec.provider}
            {cluster.spec.region ? ` · ${cluster.spec.region}` : ''}
          </Fact>
          <Fact label="Agent">
            {s.agent ? (
              <>
                {s.agent.connected ? 'connected' : 'disconnected'}
                {s.agent.version ? ` · ${s.agent.version}` : ''}
                {s.agent.lastSeen ? ` · seen ${timeAgo(s.agent.lastSeen)}` : ''}
              </>
            ) : (
              'not started'
            )}
          </Fact>
          <Fact label="Desired revision">
            {s.desired ? `${s.desired.revision} (agent reported ${s.reportedRevision ?? '—'})` : '—'}
          </Fact>
          <Fact label="Drift policy">{policy.drift ?? 'remediate'}</Fact>
          <Fact label="Repave policy">{policy.repave ?? 'require-approval'}</Fact>
          <Fact label="Paused">{policy.paused ? 'yes: all changes are held' : 'no'}</Fact>
        </SimpleGrid>
        {can('cluster', 'kubeconfig') && (
          <Group mt="md">
            <Button
              variant="light"
              loading={busy}
              onClick={() => {
                setBusy(true);
                setError(undefined);
                client.clusters
                  .kubeconfig(name, { project })
                  .then((text) => downloadText(`${name}.kubeconfig`, text), setError)
                  .finally(() => setBusy(false));
              }}
            >
              Download kubeconfig
            </Button>
            <Text size="xs" c="dimmed">
              An admin kubeconfig; every download is recorded in the audit log.
            </Text>
          </Group>
        )}
        <ProblemAlert error={error} />
      </Card>
      <Card withBorder component="section" aria-label="Conditions">
        <Title order={2} size="h5" mb="sm">
          Conditions
        </Title>
        <ConditionsTable conditions={s.conditions} />
      </Card>
    </Stack>
  );
}
