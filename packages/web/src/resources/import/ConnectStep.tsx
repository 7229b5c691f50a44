import { Button, FileButton, Group, Radio, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { ClusterKind, type ResourceInput } from '@strata/api';
import { useState } from 'react';
import { ProblemAlert } from '../../components/ProblemAlert';
import { issueAt, issuesUnder } from '../../lib/errors';
import { useInvalidateKind } from '../../lib/queries';
import { useSession } from '../../lib/session';
import { IMPORTED, type ConnectBy, type ImportLink, type ImportMode } from './import-api';

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export const MODES: { value: ImportMode; label: string; description: string }[] = [
  {
    value: 'read-only',
    label: 'Read-only',
    description:
      'Strata only reads: health, discovery and events. It never writes to the cluster, not even its own state.',
  },
  {
    value: 'full',
    label: 'Full',
    description: "Strata's agent manages the cluster: it applies attached profiles and repairs drift.",
  },
];

const CONNECTS: { value: ConnectBy; label: string; description: string }[] = [
  {
    value: 'server',
    label: 'Kubeconfig',
    description:
      'The server connects with a kubeconfig you upload or paste (token or client certificate, inline CA data).',
  },
  {
    value: 'manifest',
    label: 'Agent manifest',
    description:
      "You apply the agent's manifest in the cluster; the agent dials out, the server never needs to reach it.",
  },
];

export interface Registered {
  name: string;
  connect: ConnectBy;
  /** The first one-time link (manifest connect), or the reason it could not be made. */
  link?: ImportLink;
  linkError?: unknown;
}

/**
 * Name, mode and how to connect; registers the cluster (`provider: imported`, no node pools). A kubeconfig is kept
 * only in this form and sent once; the server's issues about it (refused fields, unreachable server, wrong CA, 401)
 * are shown at the field.
 */
export function ConnectForm({ onRegistered }: { onRegistered: (r: Registered) => void }) {
  const { client, project } = useSession();
  const invalidate = useInvalidateKind();
  const [name, setName] = useState('');
  const [mode, setMode] = useState<ImportMode>('read-only');
  const [connect, setConnect] = useState<ConnectBy>('server');
  const [kubeconfig, setKubeconfig] = useState('');
  const [fileName, setFileName] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const nameError =
    name && !NAME.test(name)
      ? 'lowercase letters, digits and -, starting and ending with a letter or digit'
      : issueAt(error, '/metadata/name');
  const kubeconfigIssues = issuesUnder(error, '/spec/kubeconfig').map((i) => i.message);
  const ready = name !== '' && !nameError && (connect === 'manifest' || kubeconfig.trim() !== '');

  const register = () => {
    const body: ResourceInput = {
      apiVersion: 'strata.dev/v1alpha1',
      kind: 'Cluster',
      metadata: { name, project },
      spec: {
        provider: IMPORTED,
        nodePools: [],
        import: { mode, connect },
        ...(connect === 'server' ? { kubeconfig } : {}),
      },
    };
    setBusy(true);
    setError(undefined);
    client
      .create(body, { project })
      .then(async () => {
        // The kubeconfig was sent once; it leaves the browser's memory with the form.
        setKubeconfig('');
        setFileName(undefined);
        // The wizard continues with the cluster from the live list: make sure the list has it.
        await invalidate(ClusterKind);
        const registered: Registered = { name, connect };
        if (connect === 'manifest') {
          try {
            registered.link = await client.clusters.importLink(name, {}, { project });
          } catch (err) {
            registered.linkError = err;
          }
        }
        onRegistered(registered);
      }, setError)
      .finally(() => setBusy(false));
  };

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (ready) register();
      }}
    >
      <Stack mt="md" maw={720}>
        <TextInput
          label="Cluster name"
          description="How Strata calls the cluster in this project."
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={nameError}
          required
          data-autofocus
          autoComplete="off"
        />
        <Radio.Group
          label="Mode"
          value={mode}
          onChange={(v) => setMode(v)}
          error={issueAt(error, '/spec/import/mode')}
        >
          <Stack gap="xs" mt={6}>
            {MODES.map((m) => (
              <Radio key={m.value} value={m.value} label={m.label} description={m.description} />
            ))}
          </Stack>
        </Radio.Group>
        <Radio.Group label="Connect with" value={connect} onChange={(v) => setConnect(v)}>
          <Stack gap="xs" mt={6}>
            {CONNECTS.map((c) => (
              <Radio key={c.value} value={c.value} label={c.label} description={c.description} />
            ))}
          </Stack>
        </Radio.Group>
        {connect === 'server' && (
          <Stack gap={6}>
            <Textarea
              label="Kubeconfig"
              description="Paste it here or upload the file. Only token, client-certificate and CA data are accepted (no exec, auth-provider or file references). It is sent once; the server keeps it encrypted and never returns it."
              value={kubeconfig}
              onChange={(e) => setKubeconfig(e.currentTarget.value)}
              error={kubeconfigIssues.length > 0 ? kubeconfigIssues.join('; ') : undefined}
              autosize
              minRows={6}
              maxRows={16}
              required
              spellCheck={false}
              autoComplete="off"
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 12 } }}
            />
            <Group gap="sm">
              <FileButton
                onChange={(file) => {
                  if (!file) return;
                  file.text().then((text) => {
                    setKubeconfig(text);
                    setFileName(file.name);
                  }, setError);
                }}
              >
                {(props) => (
                  <Button variant="default" size="xs" {...props}>
                    Upload a kubeconfig file
                  </Button>
                )}
              </FileButton>
              {fileName && (
                <Text size="xs" c="dimmed">
                  Loaded {fileName}
                </Text>
              )}
            </Group>
          </Stack>
        )}
        <ProblemAlert error={error} />
        <Group justify="flex-end">
          <Button type="submit" disabled={!ready} loading={busy}>
            {connect === 'server' ? 'Import' : 'Register and get the agent manifest'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
