import { Alert, Badge, Button, Card, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { ClusterProfileKind, type DiscoveredWorkload, type ProfileLayer } from '@strata/api';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { LayerStack, type StackLayer } from '../../components/LayerStack';
import { AnchorLink } from '../../components/links';
import { ProblemAlert } from '../../components/ProblemAlert';
import { issueAt } from '../../lib/errors';
import { useLiveList } from '../../lib/queries';
import { useSession } from '../../lib/session';
import { layerName, layerSource } from '../clusters/use-cluster';
import { usePackCatalog } from '../packs/use-packs';
import { PublishProfileDialog } from '../profiles/PublishProfileDialog';
import { MatchedItems, UnmatchedItems } from './GeneratedItems';
import { GENERATED_FROM, type Generated, type GeneratedProfileObject } from './import-api';
import { toSelectedObjects, type WorkloadSelection } from './workload-selection';
import { WorkloadPicker } from './WorkloadPicker';

function stackOf(
  layers: readonly ProfileLayer[],
  packLayer: (pack: string, version: string) => string | undefined,
): StackLayer[] {
  return layers.map((l, i) => ({
    key: String(i),
    name: layerName(l),
    kind: 'pack' in l ? (packLayer(l.pack, l.version) ?? 'addon') : 'chart' in l ? 'chart' : 'manifest',
    source: layerSource(l),
  }));
}

/** The generated draft: its layer stack, what each discovered item became, what was left out and why; publish. */
function GeneratedDraft({ generated }: { generated: Generated }) {
  const { result, requested } = generated;
  const { client, project, can } = useSession();
  const catalog = usePackCatalog();
  const [publishing, setPublishing] = useState(false);
  const name = result.profile.metadata.name;
  const version = result.profile.spec.version;
  const key = ['profile-version', project, name, version];
  // The same query the profile editor uses: a publish there (or here) shows up here.
  const current = useQuery({
    queryKey: key,
    initialData: result.profile,
    queryFn: ({ signal }) =>
      client.get<GeneratedProfileObject>(ClusterProfileKind, name, { project, version, signal }),
  });
  const profile = current.data;
  const published = profile.status?.state === 'Published';
  const packLayer = (pack: string, v: string) => catalog.find(pack, v)?.spec.layer;
  return (
    <Stack gap="sm" data-testid="generated-profile">
      <Group justify="space-between" align="flex-start">
        <Stack gap={2}>
          <Title order={2} size="h4">
            {name} {version}{' '}
            <Badge color={published ? 'green' : 'gray'} variant="light" data-testid="generated-state">
              {published ? 'Published' : 'Draft'}
            </Badge>
          </Title>
          <Text size="sm" c="dimmed">
            {profile.spec.type} profile · {profile.spec.layers.length} layer
            {profile.spec.layers.length === 1 ? '' : 's'} · {profile.spec.description ?? ''}
          </Text>
        </Stack>
        <Group gap="xs">
          <AnchorLink to="/profiles/$name/versions/$version" params={{ name, version }}>
            {published ? 'Open in the profile editor' : 'Review in the profile editor'}
          </AnchorLink>
          {!published && can('clusterprofile', 'publish') && (
            <Button onClick={() => setPublishing(true)}>Publish</Button>
          )}
        </Group>
      </Group>
      {profile.spec.layers.length > 0 ? (
        <LayerStack layers={stackOf(profile.spec.layers, packLayer)} label={`Layers of ${name} ${version}`} />
      ) : (
        <Alert color="gray">
          The draft has no layers: nothing discovered matched a pack or a pack source.
        </Alert>
      )}
      <MatchedItems matched={result.matched} />
      <UnmatchedItems unmatched={result.unmatched} requested={requested} />
      <PublishProfileDialog
        name={name}
        version={version}
        opened={publishing}
        onClose={() => setPublishing(false)}
      >
        Publishing validates the profile again and makes this version immutable; it can then be attached to
        clusters (and adopted by this one). Review it in the profile editor first if anything needs changing.
      </PublishProfileDialog>
    </Stack>
  );
}

export interface GenerateStepProps {
  cluster: string;
  /** The discovered workloads (`status.discovery.workloads`) the user may select. */
  workloads: readonly DiscoveredWorkload[];
  selected: WorkloadSelection;
  onSelect: (selected: WorkloadSelection) => void;
  generated?: Generated | undefined;
  onGenerated: (generated: Generated) => void;
}

/**
 * Name, version and the workloads to include → `generate-profile` → the draft with its stack and unmatched items;
 * earlier drafts listed.
 */
export function GenerateStep({
  cluster,
  workloads,
  selected,
  onSelect,
  generated,
  onGenerated,
}: GenerateStepProps) {
  const result = generated?.result;
  const formId = useId();
  const { client, project, can } = useSession();
  const queryClient = useQueryClient();
  const [name, setName] = useState(`${cluster}-imported`);
  const [version, setVersion] = useState('1.0.0');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const profiles = useLiveList<GeneratedProfileObject>(ClusterProfileKind);
  const earlier = (profiles.data?.items ?? []).filter(
    (p) =>
      p.metadata.annotations?.[GENERATED_FROM] === `cluster/${cluster}` &&
      !(
        result &&
        p.metadata.name === result.profile.metadata.name &&
        p.spec.version === result.profile.spec.version
      ),
  );
  const objects = toSelectedObjects(workloads, selected);
  const generate = () => {
    setBusy(true);
    setError(undefined);
    client.clusters
      .generateProfile(cluster, { name, version, ...(objects.length > 0 ? { objects } : {}) }, { project })
      .then(async (r) => {
        onGenerated({ result: r, requested: objects });
        await queryClient.invalidateQueries({ queryKey: ['list', 'ClusterProfile'] });
      }, setError)
      .finally(() => setBusy(false));
  };
  return (
    <Stack mt="md">
      {can('cluster', 'generate-profile') ? (
        <>
          <form
            id={formId}
            onSubmit={(e) => {
              e.preventDefault();
              generate();
            }}
          >
            <Group align="flex-start" gap="sm">
              <TextInput
                label="Profile name"
                value={name}
                onChange={(e) => setName(e.currentTarget.value)}
                error={issueAt(error, '/metadata/name') ?? issueAt(error, '/name')}
                required
                w={260}
              />
              <TextInput
                label="Version"
                value={version}
                onChange={(e) => setVersion(e.currentTarget.value)}
                error={issueAt(error, '/spec/version') ?? issueAt(error, '/version')}
                required
                w={140}
              />
            </Group>
            <Text size="xs" c="dimmed" mt={4}>
              A draft describing what the agent discovered: OS, Kubernetes, CNI and CSI packs when the catalog
              has the exact running versions, one chart layer per Helm release with its own values, and the
              workloads selected below as manifest layers.
            </Text>
          </form>
          <WorkloadPicker workloads={workloads} selected={selected} onChange={onSelect} />
          <Group gap="sm">
            <Button type="submit" form={formId} loading={busy} disabled={!name || !version}>
              Generate profile
            </Button>
            <Text size="sm" c="dimmed">
              {objects.length === 0
                ? 'without workloads'
                : `with ${objects.length} selected object${objects.length === 1 ? '' : 's'}${busy ? ': the agent reads them now' : ''}`}
            </Text>
          </Group>
        </>
      ) : (
        <Alert color="gray">You may not generate profiles in project {project}.</Alert>
      )}
      <ProblemAlert error={error} />
      {generated && result && (
        <GeneratedDraft
          key={`${result.profile.metadata.name}@${result.profile.spec.version}`}
          generated={generated}
        />
      )}
      {earlier.length > 0 && (
        <Card
          withBorder
          padding="sm"
          component="section"
          aria-label="Profiles generated from this cluster before"
        >
          <Title order={3} size="h6" mb={4}>
            Generated from {cluster} before
          </Title>
          <Stack gap={2}>
            {earlier.map((p) => (
              <Text size="sm" key={`${p.metadata.name}@${p.spec.version}`}>
                <AnchorLink
                  to="/profiles/$name/versions/$version"
                  params={{ name: p.metadata.name, version: p.spec.version }}
                >
                  {p.metadata.name} {p.spec.version}
                </AnchorLink>{' '}
                ({p.status?.state === 'Published' ? 'Published' : 'Draft'})
              </Text>
            ))}
          </Stack>
        </Card>
      )}
    </Stack>
  );
}
