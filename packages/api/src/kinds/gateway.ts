/**
 * `Gateway` (issue 16): a Kubernetes cluster that runs the Cluster API controllers for the clusters assigned to it —
 * Palette's private cloud gateway. docs/reference/gateways.md.
 */
import { Type, type Static } from 'typebox';
import { Condition } from '../meta.js';
import { defineKind } from './kind.js';

const strict = { additionalProperties: false } as const;

export const GATEWAY_TYPES = ['embedded'] as const;
export type GatewayType = (typeof GATEWAY_TYPES)[number];

export const GatewaySpec = Type.Object(
  {
    /**
     * `embedded` (the default): the server's own management cluster on its machine (a sandbox control plane) with the Cluster API
     * managers as local processes, built on first use. Every embedded Gateway of a server uses that one management
     * cluster; one server process only (replicas need gateways of their own, docs/reference/gateways.md).
     */
    type: Type.Optional(Type.Literal('embedded')),
    description: Type.Optional(Type.String({ maxLength: 1024 })),
  },
  strict,
);
export type GatewaySpec = Static<typeof GatewaySpec>;

/** The gateway's conditions, in the order status lists them. */
export const GATEWAY_CONDITIONS = [
  'BinariesReady',
  'ControllersReady',
  'WebhooksReachable',
  'Ready',
] as const;
export type GatewayConditionType = (typeof GATEWAY_CONDITIONS)[number];

export const GATEWAY_PHASES = ['Building', 'Starting', 'Ready', 'Degraded', 'Failed'] as const;
export type GatewayPhase = (typeof GATEWAY_PHASES)[number];

export const GatewayComponent = Type.Object(
  {
    /** e.g. `core`, `bootstrap-kubeadm`, `controlplane-kubeadm`, `infrastructure-in-memory`. */
    name: Type.String(),
    version: Type.String(),
    ready: Type.Boolean(),
    /** Times the gateway restarted this manager after it died. */
    restarts: Type.Integer({ minimum: 0 }),
    /** Webhook server answers TLS with the certificate the API server trusts. */
    webhookReachable: Type.Boolean(),
  },
  strict,
);
export type GatewayComponent = Static<typeof GatewayComponent>;

export const GatewayStatus = Type.Object(
  {
    phase: Type.Union([
      Type.Literal('Building'),
      Type.Literal('Starting'),
      Type.Literal('Ready'),
      Type.Literal('Degraded'),
      Type.Literal('Failed'),
    ]),
    message: Type.String(),
    observedGeneration: Type.Optional(Type.Integer()),
    conditions: Type.Array(Condition),
    /** While the managers (or the Kubernetes binaries of the management cluster) are being built. */
    build: Type.Optional(
      Type.Object(
        {
          what: Type.String(),
          percent: Type.Integer({ minimum: 0, maximum: 100 }),
          step: Type.Integer({ minimum: 0 }),
          totalSteps: Type.Integer({ minimum: 0 }),
          message: Type.String(),
        },
        strict,
      ),
    ),
    clusterApiVersion: Type.Optional(Type.String()),
    components: Type.Optional(Type.Array(GatewayComponent)),
    /** Kubernetes versions the gateway's providers build. */
    kubernetesVersions: Type.Optional(Type.Array(Type.String())),
    /** Clusters assigned to this gateway. */
    clusters: Type.Optional(Type.Integer({ minimum: 0 })),
    /** When the gateway last reported its health (ISO time). */
    lastReport: Type.Optional(Type.String()),
  },
  strict,
);
export type GatewayStatus = Static<typeof GatewayStatus>;

export const GatewayKind = defineKind({
  kind: 'Gateway',
  plural: 'gateways',
  aliases: ['gw'],
  scope: 'tenant-or-project',
  sharedWithProjects: true,
  description:
    'A management cluster running the Cluster API controllers for the clusters assigned to it (`spec.gateway` of a Cluster).',
  spec: GatewaySpec,
  status: GatewayStatus,
});
