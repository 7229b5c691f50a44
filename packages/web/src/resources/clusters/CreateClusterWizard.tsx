import {
  Alert,
  Button,
  Code,
  Group,
  SegmentedControl,
  Select,
  Stack,
  Stepper,
  Text,
  TextInput,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { CloudAccountKind, ClusterProfileKind, type ResourceInput, type VariableValue } from '@strata/api';
import { useNavigate } from '@tanstack/react-router';
import { useMemo, useState } from 'react';
import { stringify } from 'yaml';
import { LayerStack } from '../../components/LayerStack';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { VariableInputs } from '../../components/VariableInputs';
import { issueAt, issuesUnder } from '../../lib/errors';
import { useLiveList } from '../../lib/queries';
import { resolvedSource, type ResolvedStackView } from '../../lib/resolved';
import { useSession } from '../../lib/session';
import { checkVariables, type RawValue } from '../../lib/variables';
import { NodePoolEditor, type PoolDraft } from './NodePoolEditor';
import type { ProfileObject } from './use-cluster';

const PROVIDERS = [
  'sandbox',
  'aws',
  'eks',
  'azure',
  'aks',
  'gcp',
  'gke',
  'vsphere',
  'openstack',
  'maas',
  'edge',
];
const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Provider and account → node pools → profile, version and typed variables → policy → review with the resolved stack. */
export function CreateClusterWizard() {
  const { client, project } = useSession();
  const navigate = useNavigate();
  const [step, setStep] = useState(0);
  const [name, setName] = useState('');
  const [provider, setProvider] = useState('sandbox');
  const [account, setAccount] = useState<string | null>(null);
  const [region, setRegion] = useState('');
  const [pools, setPools] = useState<PoolDraft[]>([
    { name: 'cp', controlPlane: true, count: 1 },
    { name: 'workers', count: 1, min: 1, max: 6 },
  ]);
  const [profileName, setProfileName] = useState<string | null>(null);
  const [version, setVersion] = useState<string | null>(null);
  const [raw, setRaw] = useState<Record<string, RawValue>>({});
  const [drift, setDrift] = useState('remediate');
  const [repave, setRepave] = useState('require-approval');
  const [tried, setTried] = useState(false);
  const [stack, setStack] = useState<ResolvedStackView>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const profiles = useLiveList<ProfileObject>(ClusterProfileKind, { live: false });
  const accounts = useLiveList(CloudAccountKind, { live: false, enabled: provider !== 'sandbox' });
  const published = (profiles.data?.items ?? []).filter(
    (p) => p.status?.state === 'Published' && p.spec.type !== 'addon',
  );
  const profileNames = [...new Set(published.map((p) => p.metadata.name))].sort();
  const versions = published
    .filter((p) => p.metadata.name === profileName)
    .map((p) => p.spec.version)
    .reverse();
  const chosen = published.find((p) => p.metadata.name === profileName && p.spec.version === version);
  const declarations = useMemo(() => chosen?.spec.variables ?? [], [chosen]);
  const checked = checkVariables(declarations, raw);
  const serverVarErrors = Object.fromEntries(
    issuesUnder(error, '/variables').map((i) => [i.path.split('/')[2] ?? '', i.message]),
  );
  for (const i of issuesUnder(error, '/spec/profiles/0/variables'))
    serverVarErrors[i.path.split('/')[5] ?? ''] = i.message;

  const body = (variables: Record<string, VariableValue>): ResourceInput => ({
    apiVersion: 'strata.dev/v1alpha1',
    kind: 'Cluster',
    metadata: { name, project },
    spec: {
      provider,
      ...(provider !== 'sandbox' && account ? { cloudAccount: account } : {}),
      ...(region ? { region } : {}),
      nodePools: pools.map((p) => ({
        name: p.name,
        count: p.count,
        ...(p.controlPlane ? { controlPlane: true } : {}),
        ...(p.min !== undefined ? { min: p.min } : {}),
        ...(p.max !== undefined ? { max: p.max } : {}),
      })),
      profiles:
        profileName && version
          ? [{ name: profileName, version, ...(Object.keys(variables).length ? { variables } : {}) }]
          : [],
      policy: { drift, repave },
    },
  });

  const nameError =
    name && !NAME.test(name)
      ? 'lowercase letters, digits and -, starting and ending with a letter or digit'
      : issueAt(error, '/metadata/name');
  const canNext = [
    name !== '' && !nameError && (provider === 'sandbox' || account !== null),
    pools.length > 0 && pools.every((p) => p.name),
    Boolean(chosen),
    true,
  ];

  const review = () => {
    setTried(true);
    if (Object.keys(checked.errors).length > 0) {
      setStep(2);
      return;
    }
    setBusy(true);
    setError(undefined);
    client
      .action<ResolvedStackView>(
        ClusterProfileKind,
        profileName!,
        'resolve',
        {
          variables: checked.values,
          system: {
            cluster: { name, uid: '00000000-0000-0000-0000-000000000000' },
            provider,
            ...(region ? { region } : {}),
          },
        },
        { project, version: version! },
      )
      .then(
        (s) => {
          setStack(s);
          setStep(4);
        },
        (err: unknown) => {
          setError(err);
          if (issuesUnder(err, '/variables').length > 0) setStep(2);
        },
      )
      .finally(() => setBusy(false));
  };
  const create = () => {
    setBusy(true);
    setError(undefined);
    client
      .create(body(checked.values), { project })
      .then(() => {
        notifications.show({ message: `Cluster ${name} created; provisioning starts now.` });
        void navigate({ to: '/clusters/$name', params: { name }, search: { tab: 'layers' } });
      }, setError)
      .finally(() => setBusy(false));
  };

  return (
    <Stack maw={980}>
      <PageHeader title="Create cluster" description={`In project ${project}`} />
      <Stepper active={step} onStepClick={(s) => s < step && setStep(s)} size="sm">
        <Stepper.Step label="Provider" description="where it runs">
          <Stack mt="md" maw={520}>
            <TextInput
              label="Cluster name"
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              error={nameError}
              required
              data-autofocus
            />
            <Select
              label="Provider"
              data={PROVIDERS}
              value={provider}
              onChange={(v) => setProvider(v ?? 'sandbox')}
              allowDeselect={false}
              description={
                provider === 'sandbox'
                  ? 'Local Kubernetes control planes with simulated nodes, for development and tests.'
                  : 'Needs a cloud account for this provider.'
              }
            />
            {provider !== 'sandbox' && (
              <>
                <Select
                  label="Cloud account"
                  data={(accounts.data?.items ?? [])
                    .filter((a) => a.spec.provider === provider)
                    .map((a) => a.metadata.name)}
                  value={account}
                  onChange={setAccount}
                  placeholder="Choose an account"
                  required
                />
                <TextInput label="Region" value={region} onChange={(e) => setRegion(e.currentTarget.value)} />
              </>
            )}
          </Stack>
        </Stepper.Step>
        <Stepper.Step label="Node pools" description="machines">
          <Stack mt="md">
            <NodePoolEditor pools={pools} onChange={setPools} error={error} />
          </Stack>
        </Stepper.Step>
        <Stepper.Step label="Profile" description="stack and variables">
          <Stack mt="md">
            <Group>
              <Select
                label="Profile"
                data={profileNames}
                value={profileName}
                searchable
                onChange={(v) => {
                  setProfileName(v);
                  setVersion(null);
                  setRaw({});
                }}
                placeholder={
                  profiles.isPending
                    ? 'Loading…'
                    : profileNames.length
                      ? 'Choose a profile'
                      : 'No published infra or full profile'
                }
                w={260}
              />
              <Select
                label="Version"
                data={versions}
                value={version}
                onChange={setVersion}
                disabled={!profileName}
                w={160}
                placeholder="Published version"
              />
            </Group>
            {chosen && (
              <>
                <Text size="sm" c="dimmed">
                  {chosen.spec.description ?? ''} ({chosen.spec.layers.length} layers)
                </Text>
                <VariableInputs
                  variables={declarations}
                  values={raw}
                  onChange={(n, v) => setRaw((r) => ({ ...r, [n]: v }))}
                  showMissing={tried}
                  serverErrors={serverVarErrors}
                />
              </>
            )}
          </Stack>
        </Stepper.Step>
        <Stepper.Step label="Policy" description="drift and repave">
          <Stack mt="md" maw={560}>
            <Text size="sm" fw={500} id="drift-label">
              When live state drifts from the profile
            </Text>
            <SegmentedControl
              aria-labelledby="drift-label"
              value={drift}
              onChange={setDrift}
              data={[
                { value: 'remediate', label: 'Repair it' },
                { value: 'report', label: 'Only report it' },
              ]}
            />
            <Text size="sm" fw={500} id="repave-label">
              When a change needs new nodes
            </Text>
            <SegmentedControl
              aria-labelledby="repave-label"
              value={repave}
              onChange={setRepave}
              data={[
                { value: 'require-approval', label: 'Wait for approval' },
                { value: 'automatic', label: 'Repave automatically' },
              ]}
            />
          </Stack>
        </Stepper.Step>
        <Stepper.Step label="Review" description="resolved stack">
          <Stack mt="md">
            {stack && (
              <>
                <Text size="sm">
                  {stack.layers.length} layers · Kubernetes {stack.kubernetesVersion ?? '—'} · stack hash{' '}
                  <Code>{stack.hash.slice(0, 19)}</Code>
                </Text>
                <LayerStack
                  label={`Resolved stack of ${name}`}
                  layers={stack.layers.map((l) => ({
                    key: `${l.profile.name}/${l.name}`,
                    name: l.name,
                    profile: `${l.profile.name} ${l.profile.version}`,
                    kind: l.layer,
                    source: resolvedSource(l),
                    hash: l.hash,
                  }))}
                />
                <Code block aria-label="Cluster document">
                  {stringify(body(checked.values))}
                </Code>
              </>
            )}
          </Stack>
        </Stepper.Step>
      </Stepper>
      <ProblemAlert error={error} />
      {tried && Object.keys(checked.errors).length > 0 && step === 2 && (
        <Alert color="red" role="alert">
          Fix the variables marked above.
        </Alert>
      )}
      <Group justify="space-between">
        <Button
          variant="default"
          onClick={() => (step === 0 ? void navigate({ to: '/clusters' }) : setStep(step - 1))}
        >
          {step === 0 ? 'Cancel' : 'Back'}
        </Button>
        {step < 3 && (
          <Button onClick={() => setStep(step + 1)} disabled={!canNext[step]}>
            Next
          </Button>
        )}
        {step === 3 && (
          <Button onClick={review} loading={busy}>
            Review
          </Button>
        )}
        {step === 4 && (
          <Button onClick={create} loading={busy}>
            Create cluster
          </Button>
        )}
      </Group>
    </Stack>
  );
}
