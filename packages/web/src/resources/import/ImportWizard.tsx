import { Alert, Badge, Button, Group, Skeleton, Stack, Stepper, Text } from '@mantine/core';
import type { DiscoveredWorkload } from '@strata/api';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { useState } from 'react';
import { DiscoveryView } from '../../components/DiscoveryView';
import { AnchorLink } from '../../components/links';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useSession } from '../../lib/session';
import { DiscoveryWaiting } from '../clusters/DiscoveryTab';
import { useCluster } from '../clusters/use-cluster';
import { AdoptStep } from './AdoptStep';
import { AgentLink } from './AgentLink';
import { ConnectForm, MODES, type Registered } from './ConnectStep';
import { GenerateStep } from './GenerateStep';
import { IMPORTED, discoveryOf, importOf, type Generated } from './import-api';
import type { WorkloadSelection } from './workload-selection';

export const IMPORT_STEPS = ['connect', 'discovery', 'profile', 'adopt'] as const;
export type ImportStep = (typeof IMPORT_STEPS)[number];

const NO_WORKLOADS: readonly DiscoveredWorkload[] = [];
const NOTHING_SELECTED: WorkloadSelection = new Set();

/**
 * Import a cluster Strata did not build: connect (kubeconfig, or a one-time agent-manifest link) → discovery (live
 * until the agent reports) → generate a profile (review, publish) → adopt it (plan with the adoption preview).
 * The address keeps the cluster and the step (`/import?cluster=NAME&step=profile`), so a reload resumes.
 */
export function ImportWizard() {
  const search = useSearch({ from: '/import' });
  const navigate = useNavigate();
  const { project, can } = useSession();
  const name = search.cluster;
  const { cluster, loading, error } = useCluster(name ?? '');
  const [registered, setRegistered] = useState<Registered>();
  const [generated, setGenerated] = useState<Generated>();
  // Kept here, not in the step: going back to the discovery and forth keeps what was selected (for this cluster).
  const [selection, setSelection] = useState<{ cluster?: string; keys: WorkloadSelection }>({
    keys: NOTHING_SELECTED,
  });
  const index = name ? Math.max(0, IMPORT_STEPS.indexOf(search.step ?? 'discovery')) : 0;
  const go = (step: ImportStep, cluster = name) =>
    void navigate({ to: '/import', search: cluster ? { cluster, step } : {} });
  const discovery = discoveryOf(cluster);
  const mine = registered?.name === name ? registered : undefined;

  if (name && loading) return <Skeleton height={240} />;
  const notImported = name && cluster && cluster.spec.provider !== IMPORTED;
  const gone = name && !loading && !cluster && registered?.name !== name;
  const imp = importOf(cluster);
  const canNext = [Boolean(cluster), Boolean(discovery), true, false];

  return (
    <Stack maw={1180}>
      <PageHeader
        title="Import cluster"
        description={
          name && cluster ? (
            <>
              {name} · <Badge variant="light">{imp.mode ?? '—'}</Badge> ·{' '}
              {imp.connect === 'manifest' ? 'agent manifest' : 'kubeconfig'} ·{' '}
              <AnchorLink to="/clusters/$name" params={{ name }} size="sm">
                cluster page
              </AnchorLink>
            </>
          ) : (
            `A cluster Strata did not build, into project ${project}`
          )
        }
      />
      <ProblemAlert error={error} />
      {notImported && (
        <Alert color="red" role="alert">
          {name} was not imported (provider {cluster.spec.provider}).{' '}
          <AnchorLink to="/import">Import another cluster</AnchorLink>
        </Alert>
      )}
      {gone && (
        <Alert color="gray" role="status">
          Cluster {name} does not exist (any more) in project {project}.{' '}
          <AnchorLink to="/import">Start again</AnchorLink>
        </Alert>
      )}
      {!name && !can('cluster', 'create') && (
        <Alert color="gray">You may not import clusters into project {project}.</Alert>
      )}
      {!notImported && !gone && (
        <Stepper
          active={index}
          onStepClick={(s) => name && s <= index && go(IMPORT_STEPS[s]!)}
          size="sm"
          allowNextStepsSelect={false}
        >
          <Stepper.Step label="Connect" description="kubeconfig or agent">
            {name && !cluster ? (
              <Skeleton height={120} mt="md" />
            ) : !name || !cluster ? (
              can('cluster', 'create') && (
                <ConnectForm
                  onRegistered={(r) => {
                    setRegistered(r);
                    go(r.connect === 'manifest' ? 'connect' : 'discovery', r.name);
                  }}
                />
              )
            ) : (
              <Stack mt="md" maw={900}>
                <Text size="sm">
                  {name} is registered in {MODES.find((m) => m.value === imp.mode)?.label.toLowerCase() ?? ''}{' '}
                  mode
                  {imp.connect === 'manifest'
                    ? '; the agent connects from inside the cluster.'
                    : '; the server runs its agent with the kubeconfig.'}
                </Text>
                {imp.connect === 'manifest' && (
                  <AgentLink cluster={cluster} initial={mine?.link} initialError={mine?.linkError} />
                )}
              </Stack>
            )}
          </Stepper.Step>
          <Stepper.Step label="Discovery" description="what is there">
            <Stack mt="md">
              {cluster &&
                (discovery ? (
                  <DiscoveryView discovery={discovery} />
                ) : (
                  <DiscoveryWaiting cluster={cluster} />
                ))}
            </Stack>
          </Stepper.Step>
          <Stepper.Step label="Profile" description="generate, review, publish">
            {name && (
              <GenerateStep
                cluster={name}
                workloads={discovery?.workloads ?? NO_WORKLOADS}
                selected={selection.cluster === name ? selection.keys : NOTHING_SELECTED}
                onSelect={(keys) => setSelection({ cluster: name, keys })}
                generated={generated}
                onGenerated={setGenerated}
              />
            )}
          </Stepper.Step>
          <Stepper.Step label="Adopt" description="manage it with the profile">
            {cluster && <AdoptStep cluster={cluster} suggested={generated?.result.profile.metadata.name} />}
          </Stepper.Step>
        </Stepper>
      )}
      {name && cluster && !notImported && (
        <Group justify="space-between">
          <Button
            variant="default"
            onClick={() => (index === 0 ? void navigate({ to: '/clusters' }) : go(IMPORT_STEPS[index - 1]!))}
          >
            {index === 0 ? 'Done' : 'Back'}
          </Button>
          {index < IMPORT_STEPS.length - 1 && (
            <Button onClick={() => go(IMPORT_STEPS[index + 1]!)} disabled={!canNext[index]}>
              Next
            </Button>
          )}
        </Group>
      )}
    </Stack>
  );
}
