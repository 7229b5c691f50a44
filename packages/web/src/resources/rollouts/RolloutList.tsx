import { Button, Group, Modal, Stack, Textarea } from '@mantine/core';
import { RolloutKind, type ResourceInput, type RolloutPlan, type RolloutSpec } from '@strata/api';
import type { Rollout } from '@strata/client';
import { useSearch } from '@tanstack/react-router';
import { useState } from 'react';
import { parse } from 'yaml';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ProblemAlert } from '../../components/ProblemAlert';
import { ResourcePage } from '../../components/ResourcePage';
import {
  BatchStrip,
  RolloutDetailView,
  RolloutPhaseBadge,
  RolloutPlanView,
} from '../../components/RolloutView';
import { ScopeSwitch } from '../../components/ScopeSwitch';
import { useInvalidateKind } from '../../lib/queries';
import { useSession } from '../../lib/session';

const EXAMPLE = `kind: Rollout
metadata: {name: base-1-1}
spec:
  target: {selector: env=prod}
  change: {profile: {name: base, version: 1.1.0}}
  strategy: {canary: {count: 1}, batchSize: 3}
`;

/** Paste a Rollout, see its plan (nothing changes), then start it. */
function PlanAndStart({
  project,
  initial,
  onClose,
}: {
  project: string | undefined;
  initial?: string | undefined;
  onClose: () => void;
}) {
  const { client } = useSession();
  const invalidate = useInvalidateKind();
  const [text, setText] = useState(initial ?? EXAMPLE);
  const [plan, setPlan] = useState<RolloutPlan>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const run = async (what: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await what();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const body = () => parse(text) as ResourceInput;
  return (
    <Modal opened onClose={onClose} title="Plan a rollout" size="xl" centered>
      <Stack>
        <Textarea
          label="Rollout (YAML)"
          autosize
          minRows={8}
          value={text}
          onChange={(e) => {
            setText(e.currentTarget.value);
            setPlan(undefined);
          }}
          styles={{ input: { fontFamily: 'monospace' } }}
        />
        {error !== undefined && <ProblemAlert error={error} />}
        {plan && <RolloutPlanView plan={plan} />}
        <Group justify="flex-end">
          <Button
            variant="default"
            loading={busy}
            onClick={() => void run(async () => setPlan(await client.fleet.plan(body(), { project })))}
          >
            Plan
          </Button>
          <Button
            disabled={!plan || plan.summary.change + plan.summary.blocked === 0}
            loading={busy}
            onClick={() =>
              void run(async () => {
                const doc = body();
                await client.create({
                  ...doc,
                  kind: 'Rollout',
                  metadata: { ...doc.metadata, ...(project ? { project } : {}) },
                });
                await invalidate(RolloutKind);
                onClose();
              })
            }
          >
            Start rollout
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

type Switch = 'pause' | 'resume' | 'abort' | 'rollback';
const SWITCHES: Record<
  Switch,
  { label: string; change: Pick<RolloutSpec, 'paused' | 'aborted' | 'rollback'>; confirm?: string }
> = {
  pause: { label: 'Pause', change: { paused: true } },
  resume: { label: 'Resume', change: { paused: false } },
  abort: {
    label: 'Abort',
    change: { aborted: true },
    confirm: 'No further cluster is changed. This cannot be undone.',
  },
  rollback: {
    label: 'Roll back',
    change: { rollback: true },
    confirm: 'Every cluster it changed gets its previous spec back, batch by batch. This cannot be undone.',
  },
};

function RolloutActions({ rollout, project }: { rollout: Rollout; project: string | undefined }) {
  const { client, can } = useSession();
  const invalidate = useInvalidateKind();
  const [asking, setAsking] = useState<Switch>();
  const [details, setDetails] = useState(false);
  const { spec, status } = rollout;
  const finished = ['Succeeded', 'Aborted', 'RolledBack'].includes(status.phase ?? '');
  const available: Switch[] =
    finished || spec.aborted
      ? []
      : spec.rollback
        ? []
        : [spec.paused ? 'resume' : 'pause', 'abort', 'rollback'];
  const apply = async (s: Switch) => {
    await client.fleet.set(rollout.metadata.name, SWITCHES[s].change, { project });
    await invalidate(RolloutKind);
  };
  return (
    <Group gap={4} wrap="nowrap">
      <Button size="compact-xs" variant="subtle" onClick={() => setDetails(true)}>
        Details
      </Button>
      {can('rollout', 'update') &&
        available.map((s) => (
          <Button
            key={s}
            size="compact-xs"
            variant="subtle"
            color={SWITCHES[s].confirm ? 'red' : undefined}
            onClick={() => (SWITCHES[s].confirm ? setAsking(s) : void apply(s))}
          >
            {SWITCHES[s].label}
          </Button>
        ))}
      {asking && (
        <ConfirmDialog
          opened
          onClose={() => setAsking(undefined)}
          title={`${SWITCHES[asking].label} rollout ${rollout.metadata.name}?`}
          confirmLabel={SWITCHES[asking].label}
          danger
          onConfirm={() => apply(asking)}
        >
          {SWITCHES[asking].confirm}
        </ConfirmDialog>
      )}
      <Modal
        opened={details}
        onClose={() => setDetails(false)}
        title={`Rollout ${rollout.metadata.name}`}
        size="xl"
        centered
      >
        <RolloutDetailView status={status} />
      </Modal>
    </Group>
  );
}

/** The Rollouts area: every rollout with its batches, live; plan and start one; pause, resume, abort, roll back. */
export function RolloutList() {
  const { project: current, can } = useSession();
  const [scope, setScope] = useState('project');
  const { prepare } = useSearch({ from: '/rollouts' });
  const [planning, setPlanning] = useState(prepare !== undefined);
  const project = scope === 'tenant' ? undefined : current;
  return (
    <>
      <ResourcePage<Rollout>
        key={scope}
        kind={RolloutKind}
        project={scope === 'tenant' ? null : undefined}
        title="Rollouts"
        description="One change to many clusters: a canary, then batches behind health gates; a halt on failures."
        headerExtra={
          <Group>
            <ScopeSwitch project={current} scope={scope} onChange={setScope} />
            {can('rollout', 'create') && <Button onClick={() => setPlanning(true)}>Plan a rollout</Button>}
          </Group>
        }
        columns={[
          { header: 'Phase', render: (r) => <RolloutPhaseBadge phase={r.status.phase} /> },
          { header: 'Batches', render: (r) => <BatchStrip status={r.status} /> },
          { header: 'Failures', render: (r) => String(r.status.failures ?? 0) },
          { header: 'Message', render: (r) => r.status.message ?? '' },
        ]}
        searchText={(r) => [r.status.phase, r.status.message]}
        actions={(r) => <RolloutActions rollout={r} project={project} />}
      />
      {planning && <PlanAndStart project={project} initial={prepare} onClose={() => setPlanning(false)} />}
    </>
  );
}
