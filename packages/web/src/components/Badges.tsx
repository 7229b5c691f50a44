import { Badge, type MantineColor } from '@mantine/core';
import type { ClusterFacts } from '../lib/clusters';

const PHASE_COLORS: Record<string, MantineColor> = {
  Pending: 'gray',
  Provisioning: 'blue',
  Running: 'green',
  Updating: 'cyan',
  Deleting: 'orange',
  Deleted: 'gray',
  Failed: 'red',
  // Gateways
  Building: 'blue',
  Starting: 'blue',
  Ready: 'green',
  Degraded: 'orange',
};
const HEALTH_COLORS: Record<string, MantineColor> = { Healthy: 'green', Degraded: 'red', Unknown: 'gray' };
const LAYER_COLORS: Record<string, MantineColor> = {
  Pending: 'gray',
  Applying: 'blue',
  Applied: 'green',
  Failed: 'red',
  Drifted: 'orange',
  Removing: 'grape',
};

export function phaseColor(phase: string | undefined): MantineColor {
  return PHASE_COLORS[phase ?? ''] ?? 'gray';
}
export function layerColor(state: string | undefined): MantineColor {
  return LAYER_COLORS[state ?? ''] ?? 'gray';
}

// Badges use the "light" variant with dark text on light backgrounds (and the reverse in the dark theme): the
// combinations Mantine picks meet WCAG AA contrast, which the accessibility check verifies.
export function PhaseBadge({ phase }: { phase: string | undefined }) {
  return (
    <Badge color={phaseColor(phase)} variant="light" aria-label={`phase ${phase ?? 'unknown'}`}>
      {phase ?? 'Pending'}
    </Badge>
  );
}

export function HealthBadge({ health }: { health: string | undefined }) {
  return (
    <Badge
      color={HEALTH_COLORS[health ?? ''] ?? 'gray'}
      variant="outline"
      aria-label={`health ${health ?? 'unknown'}`}
    >
      {health ?? 'Unknown'}
    </Badge>
  );
}

export function LayerStateBadge({ state }: { state: string | undefined }) {
  return (
    <Badge color={layerColor(state)} variant="light" aria-label={`state ${state ?? 'unknown'}`}>
      {state ?? 'Pending'}
    </Badge>
  );
}

export function FlagBadge({
  color,
  children,
  label,
}: {
  color: MantineColor;
  children: string;
  label?: string;
}) {
  return (
    <Badge color={color} variant="dot" aria-label={label ?? children}>
      {children}
    </Badge>
  );
}

/** The badges of what needs an operator's eye on a cluster: drift, an update, a repave waiting, the agent offline. */
export function ClusterFlags({ facts: f }: { facts: ClusterFacts }) {
  return (
    <>
      {f.drifted && <FlagBadge color="orange">drift</FlagBadge>}
      {f.updatesAvailable && (
        <FlagBadge color="blue" label="updates available">
          update
        </FlagBadge>
      )}
      {f.pendingRepave && (
        <FlagBadge color="orange" label="repave waiting for approval">
          repave
        </FlagBadge>
      )}
      {f.agentDisconnected && (
        <FlagBadge color="gray" label="agent disconnected">
          offline
        </FlagBadge>
      )}
    </>
  );
}
