/**
 * A Gateway's status as a pure function of what the embedded host observed: phase, message, conditions
 * (BinariesReady, ControllersReady, WebhooksReachable, Ready), the components with their versions, build progress.
 */
import {
  GATEWAY_CONDITIONS,
  type Condition,
  type GatewayComponent,
  type GatewayPhase,
  type GatewayStatus,
} from '@strata/api';
import { setCondition, type ConditionInput } from '../conditions.js';
import type { EmbeddedObservation } from '../../gateways/embedded-host.js';

export interface GatewayFacts {
  readonly observation: EmbeddedObservation;
  /** The status as read (conditions keep their transition times). */
  readonly before: Partial<GatewayStatus>;
  readonly generation: number;
  readonly now: Date;
  readonly clusters: number;
  readonly kubernetesVersions: readonly string[];
}

function conditions(facts: GatewayFacts, inputs: ConditionInput[]): Condition[] {
  const stamp = { generation: facts.generation, now: facts.now };
  return inputs.reduce<Condition[]>(
    (all, input) => setCondition(all, input, stamp, GATEWAY_CONDITIONS),
    facts.before.conditions ?? [],
  );
}

function status(
  facts: GatewayFacts,
  phase: GatewayPhase,
  message: string,
  inputs: ConditionInput[],
  extra: Partial<GatewayStatus> = {},
): GatewayStatus {
  return {
    phase,
    message,
    observedGeneration: facts.generation,
    conditions: conditions(facts, inputs),
    clusters: facts.clusters,
    lastReport: facts.now.toISOString(),
    ...extra,
  };
}

const notYet = (type: string, reason: string, message: string): ConditionInput => ({
  type,
  status: 'Unknown',
  reason,
  message,
});

export function gatewayStatus(facts: GatewayFacts): GatewayStatus {
  const o = facts.observation;
  if (o.state === 'building') {
    const message =
      `building the ${o.what}: ${o.install.percent}% (step ${o.install.step}/${o.install.totalSteps}) ${o.install.message}`.trim();
    return status(
      facts,
      'Building',
      message,
      [
        { type: 'BinariesReady', status: false, reason: 'Building', message },
        notYet('ControllersReady', 'Building', 'waiting for the build'),
        notYet('WebhooksReachable', 'Building', 'waiting for the build'),
        { type: 'Ready', status: false, reason: 'Building', message },
      ],
      {
        build: {
          what: o.what,
          percent: o.install.percent,
          step: o.install.step,
          totalSteps: o.install.totalSteps,
          message: o.install.message,
        },
      },
    );
  }
  if (o.state === 'missing' || o.state === 'failed') {
    const built = o.state === 'failed' && o.stage === 'start';
    return status(facts, 'Failed', o.message, [
      built
        ? { type: 'BinariesReady', status: true, reason: 'Built', message: 'managers built' }
        : {
            type: 'BinariesReady',
            status: false,
            reason: o.state === 'missing' ? 'NotBuilt' : 'BuildFailed',
            message: o.message,
          },
      { type: 'ControllersReady', status: false, reason: 'NotRunning', message: o.message },
      notYet('WebhooksReachable', 'NotRunning', o.message),
      { type: 'Ready', status: false, reason: 'NotRunning', message: o.message },
    ]);
  }
  const restarts = new Map(o.started.components.map((c) => [c.component, c.restarts]));
  const components: GatewayComponent[] = o.health.map((h) => ({
    name: h.component,
    version: o.clusterApiVersion,
    ready: h.ready,
    restarts: restarts.get(h.component) ?? 0,
    webhookReachable: h.webhookReachable,
  }));
  const down = o.health.filter((h) => !h.ready);
  const unreachable = o.health.filter((h) => !h.webhookReachable);
  const problems = [...new Set([...down, ...unreachable])].map(
    (h) => `${h.component}: ${h.detail ?? 'not ready'}`,
  );
  const ready = problems.length === 0;
  const message = ready
    ? `Cluster API ${o.clusterApiVersion}: ${components.length} managers ready, webhooks reachable`
    : `not ready: ${problems.join('; ')}`;
  return status(
    facts,
    ready ? 'Ready' : 'Degraded',
    message,
    [
      { type: 'BinariesReady', status: true, reason: 'Built', message: `Cluster API ${o.clusterApiVersion}` },
      down.length === 0
        ? {
            type: 'ControllersReady',
            status: true,
            reason: 'Ready',
            message: `${components.length} managers ready`,
          }
        : {
            type: 'ControllersReady',
            status: false,
            reason: 'NotReady',
            message: down.map((h) => `${h.component}: ${h.detail ?? ''}`).join('; '),
          },
      unreachable.length === 0
        ? {
            type: 'WebhooksReachable',
            status: true,
            reason: 'Reachable',
            message: 'every webhook server answers TLS with the registered CA',
          }
        : {
            type: 'WebhooksReachable',
            status: false,
            reason: 'Unreachable',
            message: unreachable.map((h) => `${h.component}: ${h.detail ?? ''}`).join('; '),
          },
      { type: 'Ready', status: ready, reason: ready ? 'Ready' : 'Degraded', message },
    ],
    {
      clusterApiVersion: o.clusterApiVersion,
      components,
      kubernetesVersions: [...facts.kubernetesVersions],
    },
  );
}
