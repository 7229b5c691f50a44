import { Alert, Button, Group, Modal, Select, Stack, Stepper, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { ClusterProfileKind, type ClusterPlan } from '@strata/api';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { PlanView } from '../../components/PlanView';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useSession } from '../../lib/session';
import type { ProfileObject } from './use-cluster';

export interface UpgradeWizardProps {
  cluster: string;
  profile: string;
  /** The profile's project (tenant-scoped profiles: undefined). */
  profileProject?: string;
  currentVersion: string;
  suggested?: string;
  opened: boolean;
  onClose: () => void;
}

/** Choose a published version → see the plan (dry run: per-layer changes, values diff, repave yes/no) → apply. */
export function UpgradeWizard(props: UpgradeWizardProps) {
  const { client, project } = useSession();
  const [step, setStep] = useState(0);
  const [version, setVersion] = useState<string | null>(props.suggested ?? null);
  const [plan, setPlan] = useState<ClusterPlan>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const versions = useQuery({
    queryKey: ['profile-versions', props.profileProject ?? project, props.profile],
    enabled: props.opened,
    queryFn: ({ signal }) =>
      client.versions<ProfileObject>(ClusterProfileKind, props.profile, {
        project: props.profileProject ?? project,
        signal,
      }),
  });
  const choices = (versions.data?.items ?? [])
    .filter((p) => p.status?.state === 'Published' && p.spec.version !== props.currentVersion)
    .map((p) => p.spec.version);
  const close = () => {
    setStep(0);
    setPlan(undefined);
    setError(undefined);
    props.onClose();
  };
  const run = (dryRun: boolean) => {
    if (!version) return;
    setBusy(true);
    setError(undefined);
    client.clusters
      .upgrade(props.cluster, { profile: props.profile, version, dryRun }, { project })
      .then((r) => {
        if (dryRun) {
          setPlan(r.plan);
          setStep(1);
        } else {
          notifications.show({
            message: `Cluster ${props.cluster} is moving to ${props.profile} ${version}.`,
          });
          setStep(2);
        }
      }, setError)
      .finally(() => setBusy(false));
  };
  return (
    <Modal
      opened={props.opened}
      onClose={close}
      title={`Upgrade ${props.profile} on ${props.cluster}`}
      size="xl"
    >
      <Stepper active={step} size="sm" allowNextStepsSelect={false}>
        <Stepper.Step label="Version" description="choose the target">
          <Stack mt="md">
            <Text size="sm">
              Currently attached: {props.profile} {props.currentVersion}
            </Text>
            <Select
              label="Target version"
              data={choices}
              value={version}
              onChange={setVersion}
              placeholder={
                versions.isPending
                  ? 'Loading…'
                  : choices.length
                    ? 'Choose a version'
                    : 'No other published version'
              }
              data-autofocus
            />
            <ProblemAlert error={error ?? versions.error} />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button onClick={() => run(true)} disabled={!version} loading={busy}>
                Show plan
              </Button>
            </Group>
          </Stack>
        </Stepper.Step>
        <Stepper.Step label="Plan" description="what would change">
          <Stack mt="md">
            {plan && <PlanView plan={plan} />}
            {plan?.approvalRequired && (
              <Alert color="orange">
                This change replaces nodes. After you apply it, the cluster waits until someone approves the
                repave.
              </Alert>
            )}
            <ProblemAlert error={error} />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setStep(0)}>
                Back
              </Button>
              <Button onClick={() => run(false)} loading={busy} disabled={plan?.unchanged}>
                Apply upgrade to {version}
              </Button>
            </Group>
          </Stack>
        </Stepper.Step>
        <Stepper.Completed>
          <Stack mt="md">
            <Alert color="green" role="status">
              The cluster now wants {props.profile} {version}. Watch the Layers tab as the agent applies it.
            </Alert>
            <Group justify="flex-end">
              <Button onClick={close}>Close</Button>
            </Group>
          </Stack>
        </Stepper.Completed>
      </Stepper>
    </Modal>
  );
}
