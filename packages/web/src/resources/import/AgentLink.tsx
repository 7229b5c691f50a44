import { Alert, Button, Code, CopyButton, Group, Loader, Select, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { ProblemAlert } from '../../components/ProblemAlert';
import type { ClusterObject } from '../../lib/clusters';
import { downloadText, timeAgo } from '../../lib/format';
import { useSession } from '../../lib/session';
import { importOf, type ImportLink } from './import-api';

const EXPIRIES = [
  { value: '900', label: '15 minutes' },
  { value: '3600', label: '1 hour' },
  { value: '86400', label: '24 hours' },
];

function expiresIn(iso: string, now = Date.now()): string {
  const s = Math.round((Date.parse(iso) - now) / 1000);
  if (Number.isNaN(s)) return iso;
  if (s <= 0) return 'expired';
  if (s < 120) return `in ${s} s`;
  if (s < 7200) return `in ${Math.round(s / 60)} min`;
  return `in ${Math.round(s / 3600)} h`;
}

/**
 * `connect: manifest`: a one-time link to the agent manifest and the `kubectl apply -f URL` command (copy button,
 * expiry), then — live, through the watch — whether the agent has connected.
 */
export function AgentLink({
  cluster,
  initial,
  initialError,
}: {
  cluster: ClusterObject;
  initial?: ImportLink;
  initialError?: unknown;
}) {
  const { client, project } = useSession();
  const [link, setLink] = useState<ImportLink | undefined>(initial);
  const [expiry, setExpiry] = useState('3600');
  const [error, setError] = useState<unknown>(initialError);
  const [busy, setBusy] = useState(false);
  const name = cluster.metadata.name;
  const connected = cluster.status?.agent?.connected === true;
  const fresh = () => {
    setBusy(true);
    setError(undefined);
    client.clusters
      .importLink(name, { expiresInSeconds: Number(expiry) }, { project })
      .then(setLink, setError)
      .finally(() => setBusy(false));
  };
  const fallback = () => {
    setBusy(true);
    client.clusters
      .agentManifest(name, { project, mode: importOf(cluster).mode })
      .then((yaml) => downloadText(`${name}-agent.yaml`, yaml), setError)
      .finally(() => setBusy(false));
  };
  return (
    <Stack gap="sm">
      <Text size="sm">
        Apply the agent in the cluster with your own credentials. The link works once and expires; the agent
        then connects to Strata by itself.
      </Text>
      {link && (
        <Stack gap={4}>
          <Group gap="xs" wrap="nowrap" align="flex-start">
            <Code block style={{ flex: 1 }} aria-label="Command that installs the agent" role="group">
              {link.command || `kubectl apply -f ${link.url}`}
            </Code>
            <CopyButton value={link.command || `kubectl apply -f ${link.url}`}>
              {({ copied, copy }) => (
                <Button size="xs" variant={copied ? 'light' : 'default'} onClick={copy}>
                  {copied ? 'Copied' : 'Copy command'}
                </Button>
              )}
            </CopyButton>
          </Group>
          <Text size="xs" c="dimmed" data-testid="import-link-expiry">
            One-time link; expires {expiresIn(link.expiresAt)} ({new Date(link.expiresAt).toLocaleString()}).
          </Text>
        </Stack>
      )}
      <Group align="flex-end" gap="sm">
        <Select
          label="Link expires after"
          data={EXPIRIES}
          value={expiry}
          onChange={(v) => setExpiry(v ?? '3600')}
          allowDeselect={false}
          w={180}
        />
        <Button variant="default" onClick={fresh} loading={busy}>
          {link ? 'New link' : 'Get a link'}
        </Button>
      </Group>
      {error !== undefined && (
        <>
          <ProblemAlert error={error} title="No link to the agent manifest" />
          <Group gap="xs">
            <Text size="sm">Instead, download the manifest and apply it with kubectl apply -f FILE:</Text>
            <Button size="xs" variant="light" onClick={fallback} loading={busy}>
              Download the agent manifest
            </Button>
          </Group>
        </>
      )}
      {connected ? (
        <Alert color="green" role="status" title="The agent is connected">
          <Text size="sm">
            Agent {cluster.status?.agent?.version ?? ''} last seen {timeAgo(cluster.status?.agent?.lastSeen)}.
            Its discovery report follows.
          </Text>
        </Alert>
      ) : (
        <Group gap="xs" role="status">
          <Loader size="xs" aria-hidden="true" />
          <Text size="sm">Waiting for the agent to connect…</Text>
        </Group>
      )}
    </Stack>
  );
}
