import { Alert, Button, Group, Select, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { ClusterKind, ClusterProfileKind, type ClusterPlan, type ClusterSpec } from '@strata/api';
import { useState } from 'react';
import { AdoptionPreviewView } from '../../components/AdoptionPreview';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { AnchorLink } from '../../components/links';
import { PlanView } from '../../components/PlanView';
import { ProblemAlert } from '../../components/ProblemAlert';
import type { ClusterObject } from '../../lib/clusters';
import { useLiveList } from '../../lib/queries';
import { useSession } from '../../lib/session';
import { layerName, layerSource } from '../clusters/use-cluster';
import { GENERATED_FROM, importOf, type GeneratedProfileObject } from './import-api';

/** The cluster's spec with the profile version attached and import mode full: what adoption proposes. */
export function adoptionSpec(cluster: ClusterObject, profile: string, version: string): ClusterSpec {
  const spec = structuredClone(cluster.spec);
  return {
    ...spec,
    import: { ...(spec.import ?? { mode: 'full' }), mode: 'full' },
    profiles: [...(spec.profiles ?? []).filter((p) => p.name !== profile), { name: profile, version }],
  };
}

/**
 * Choose a published version of the generated profile → plan (the proposed spec: full mode, that version attached)
 * → the adoption preview (what the first apply does to what already exists) and the plan → adopt (confirmed).
 */
export function AdoptStep({ cluster, suggested }: { cluster: ClusterObject; suggested?: string }) {
  const { client, project, can } = useSession();
  const name = cluster.metadata.name;
  const profiles = useLiveList<GeneratedProfileObject>(ClusterProfileKind);
  const published = (profiles.data?.items ?? []).filter((p) => p.status?.state === 'Published');
  const generated = new Set(
    published
      .filter((p) => p.metadata.annotations?.[GENERATED_FROM] === `cluster/${name}`)
      .map((p) => p.metadata.name),
  );
  const names = [...new Set(published.map((p) => p.metadata.name))].sort(
    (a, b) => Number(generated.has(b)) - Number(generated.has(a)) || a.localeCompare(b),
  );
  const [chosen, setChosen] = useState<string | null>(null);
  const profile =
    chosen ??
    (suggested && names.includes(suggested) ? suggested : (names.find((n) => generated.has(n)) ?? null));
  const versions = published
    .filter((p) => p.metadata.name === profile)
    .map((p) => p.spec.version)
    .reverse();
  const [pickedVersion, setVersion] = useState<string | null>(null);
  const version = pickedVersion && versions.includes(pickedVersion) ? pickedVersion : (versions[0] ?? null);
  const attached = published.find((p) => p.metadata.name === profile && p.spec.version === version);
  const [plan, setPlan] = useState<ClusterPlan>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [adopted, setAdopted] = useState<string>();
  const mode = importOf(cluster).mode;

  const reset = () => {
    setPlan(undefined);
    setError(undefined);
  };
  const planIt = () => {
    if (!profile || !version) return;
    setBusy(true);
    reset();
    client.clusters
      .plan(
        name,
        { spec: adoptionSpec(cluster, profile, version) as unknown as Record<string, unknown> },
        { project },
      )
      .then((r) => setPlan(r.plan), setError)
      .finally(() => setBusy(false));
  };

  if (adopted) {
    return (
      <Alert color="green" role="status" title={`${name} adopts ${adopted}`} mt="md">
        <Text size="sm">
          The agent now applies the profile; what already matches is taken over as it is. Follow it on the{' '}
          <AnchorLink to="/clusters/$name" params={{ name }} search={{ tab: 'layers' }}>
            cluster's Layers tab
          </AnchorLink>
          .
        </Text>
      </Alert>
    );
  }
  return (
    <Stack mt="md">
      {mode !== 'full' && (
        <Alert color="blue" title={`${name} is imported read-only`}>
          <Text size="sm">
            Adopting switches it to full mode: Strata's agent may then write to the cluster, applies the
            attached profile and repairs drift. The preview below says what the first apply would change.
          </Text>
        </Alert>
      )}
      <Group align="flex-end" gap="sm">
        <Select
          label="Profile"
          data={names.map((n) => ({
            value: n,
            label: generated.has(n) ? `${n} (generated)` : n,
          }))}
          value={profile}
          onChange={(v) => {
            setChosen(v);
            setVersion(null);
            reset();
          }}
          searchable
          placeholder={
            profiles.isPending ? 'Loading…' : names.length ? 'Choose a profile' : 'No published profile'
          }
          w={320}
        />
        <Select
          label="Published version"
          data={versions}
          value={version}
          onChange={(v) => {
            setVersion(v);
            reset();
          }}
          disabled={!profile}
          w={160}
        />
        <Button onClick={planIt} loading={busy} disabled={!profile || !version || !can('cluster', 'plan')}>
          Plan adoption
        </Button>
      </Group>
      {names.length === 0 && !profiles.isPending && (
        <Text size="sm" c="dimmed">
          Publish the generated profile first (previous step).
        </Text>
      )}
      <ProblemAlert error={error} />
      {plan && (
        <Stack gap="sm" data-testid="adoption-plan">
          <Title order={2} size="h4">
            What adopting {profile} {version} does
          </Title>
          <AdoptionPreviewView adoption={plan.adoption} unavailable={plan.adoptionUnavailable} />
          <Title order={3} size="h5">
            Plan
          </Title>
          {!plan.layers && attached && (
            <Text size="sm" data-testid="adoption-layers">
              {name} has no stack yet: all {attached.spec.layers.length} layer
              {attached.spec.layers.length === 1 ? '' : 's'} of {profile} {version} are new —{' '}
              {attached.spec.layers.map((l) => `${layerName(l)} (${layerSource(l)})`).join(', ')}.
            </Text>
          )}
          <PlanView plan={plan} />
          {can('cluster', 'update') && (
            <Group justify="flex-end">
              <Button onClick={() => setConfirming(true)}>Adopt</Button>
            </Group>
          )}
        </Stack>
      )}
      <ConfirmDialog
        opened={confirming}
        onClose={() => setConfirming(false)}
        title={`Adopt ${profile ?? ''} ${version ?? ''} on ${name}?`}
        confirmLabel="Adopt"
        onConfirm={async () => {
          if (!profile || !version) return;
          const spec = adoptionSpec(cluster, profile, version);
          await client.patch(
            ClusterKind,
            name,
            { spec: { import: spec.import, profiles: spec.profiles } },
            { project },
          );
          notifications.show({
            message: `${name} adopts ${profile} ${version}.`,
            closeButtonProps: { 'aria-label': 'Close notification' },
          });
          setAdopted(`${profile} ${version}`);
        }}
      >
        <Text size="sm">
          {profile} {version} is attached to {name}
          {mode !== 'full' ? ', which switches to full mode' : ''}. The agent then applies it: objects and
          releases that already match are taken over without changes; the plan lists anything else.
        </Text>
      </ConfirmDialog>
    </Stack>
  );
}
