/**
 * The agent gateway (docs/contracts/agent-protocol.md): the only routes an agent token opens. Agents dial out; an
 * idle agent costs one parked long poll and a heartbeat row update every 30 s, never a watch event. Every route
 * checks the protocol version and the token first (before a body is read), then its input against the TypeBox
 * schemas of gateway-schemas.ts.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  AGENT_EPOCH_HEADER,
  AGENT_PROTOCOL,
  AGENT_PROTOCOL_HEADER,
  StrataError,
  SUPPORTED_AGENT_PROTOCOLS,
  validationError,
  type BundledChartMessage,
  type DesiredStateMessage,
} from '@strata/api';
import type { ResolvedLayer } from '@strata/core';
import type { AgentIdentity } from '@strata/store';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  AnswerBody,
  ChartParams,
  DesiredStateQuery,
  StatusReportBody,
  gatewayValidatorCompiler,
} from './gateway-schemas.js';
import { applyStatusReport, type StatusReportOptions } from './status-report.js';

export type AgentGatewayOptions = StatusReportOptions;

declare module 'fastify' {
  interface FastifyRequest {
    /** The cluster whose agent token authenticated the request (agent gateway routes). */
    agent?: AgentIdentity;
  }
}

const MAX_WAIT_SECONDS = 60;

function protocolOf(req: FastifyRequest): number {
  const raw = req.headers[AGENT_PROTOCOL_HEADER];
  const version = raw === undefined ? AGENT_PROTOCOL : Number(raw);
  if (!SUPPORTED_AGENT_PROTOCOLS.includes(version)) {
    throw new StrataError(
      'STRATA_PROTOCOL_UNSUPPORTED',
      `agent protocol ${String(raw)} is not supported; this server speaks ${SUPPORTED_AGENT_PROTOCOLS.join(', ')}`,
    );
  }
  return version;
}

function agentOf(req: FastifyRequest): AgentIdentity {
  if (!req.agent) throw new StrataError('STRATA_UNAUTHENTICATED', 'a valid agent token is required');
  return req.agent;
}

export function registerAgentGateway(app: FastifyInstance, o: AgentGatewayOptions): void {
  const gateway = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['Agent'];
  // Public for the API-key check: the agent token is the credential, checked here before anything else.
  const agentRoute = {
    config: { public: true },
    onRequest: async (req: FastifyRequest) => {
      protocolOf(req);
      req.agent = await o.agents.authenticate(req.headers.authorization);
    },
    validatorCompiler: gatewayValidatorCompiler,
  };

  gateway.get(
    '/v1/agent/desired-state',
    {
      ...agentRoute,
      schema: {
        tags,
        summary: 'Long poll for the cluster’s desired state (agent token)',
        querystring: DesiredStateQuery,
      },
    },
    async (req, reply) => {
      const agent = agentOf(req);
      const epoch = await o.agents.repository.epoch();
      // An agent holding a revision of another epoch (this server was restored from a backup) gets the current
      // revision at once: its own number says nothing about this database's revisions.
      const agentEpoch = req.headers[AGENT_EPOCH_HEADER];
      const otherEpoch = typeof agentEpoch === 'string' && agentEpoch !== '' && agentEpoch !== epoch;
      const after = otherEpoch ? 0 : Number(req.query.after ?? '0');
      const wait = Math.min(Number(req.query.waitSeconds ?? '0'), MAX_WAIT_SECONDS) * 1000;
      const abort = new AbortController();
      req.raw.once('close', () => abort.abort());
      const work = await o.agents.nextWork(agent.clusterUid, after, wait, abort.signal);
      if (!work) return reply.code(204).send();
      const desired = await o.agents.desired(agent.clusterUid);
      const request = 'request' in work ? work.request : undefined;
      if (!desired && !request) return reply.code(204).send();
      // A request travels with the current revision (the agent has it already and ignores it); before the first
      // revision, with revision 0 and an empty stack, which an agent ignores just the same.
      const message: DesiredStateMessage = {
        protocol: AGENT_PROTOCOL,
        cluster: { tenant: agent.tenant, project: agent.project, name: agent.name, uid: agent.clusterUid },
        revision: desired?.revision ?? 0,
        epoch,
        stack: desired?.stack ?? { hash: '', layers: [] },
        policy: desired?.policy ?? { drift: 'report', paused: true },
        mode: desired?.mode ?? 'read-only',
        ...(request ? { request } : {}),
      };
      return reply.header('cache-control', 'no-store').send(message);
    },
  );

  gateway.post(
    '/v1/agent/answer',
    {
      ...agentRoute,
      // Read objects can be large (a ConfigMap may hold up to 1 MiB); the answer is bounded by its schema too.
      bodyLimit: 16 * 1024 * 1024,
      schema: {
        tags,
        summary: 'The answer to a request delivered by the long poll (agent token)',
        body: AnswerBody,
      },
    },
    async (req, reply) => {
      const agent = agentOf(req);
      const { id, preview, read, error } = req.body;
      const given = [preview, read, error].filter((x) => x !== undefined).length;
      if (given !== 1)
        throw validationError([{ path: '/body', message: 'give exactly one of preview, read and error' }]);
      const answer = preview ? { preview } : read ? { read } : { error: error ?? '' };
      if (!(await o.agents.answer(agent.clusterUid, id, answer)))
        throw new StrataError(
          'STRATA_NOT_FOUND',
          `no request ${id} waits for an answer from this cluster's agent (it may have timed out)`,
        );
      return reply.code(204).send();
    },
  );

  gateway.post(
    '/v1/agent/status',
    {
      ...agentRoute,
      schema: { tags, summary: 'Status report and heartbeat (agent token)', body: StatusReportBody },
    },
    async (req) => applyStatusReport(o, agentOf(req), req.body),
  );

  gateway.get(
    '/v1/agent/charts/:digest',
    {
      ...agentRoute,
      schema: {
        tags,
        summary: 'A chart bundled in a pack the cluster’s stack uses (agent token)',
        params: ChartParams,
      },
    },
    async (req) => {
      const agent = agentOf(req);
      const desired = await o.agents.desired(agent.clusterUid);
      const layer = (desired?.stack.layers ?? []).find(
        (l: ResolvedLayer) => l.helm?.bundled?.digest === req.params.digest,
      );
      const notFound = new StrataError(
        'STRATA_NOT_FOUND',
        `no chart with digest ${req.params.digest} in this cluster's desired state`,
      );
      if (!layer?.helm?.bundled) throw notFound;
      const pack = await o.store.get(
        { tenant: agent.tenant, projects: '*' },
        {
          kind: 'Pack',
          tenant: agent.tenant,
          project: '',
          name: layer.helm.bundled.pack,
          version: layer.helm.bundled.version,
        },
      );
      const chart = pack?.spec.bundledChart as BundledChartMessage | undefined;
      if (!pack || pack.spec.digest !== req.params.digest || !chart) throw notFound;
      return chart;
    },
  );
}
