/**
 * The agent gateway (docs/contracts/agent-protocol.md): the only routes an agent token opens. Agents dial out; an
 * idle agent costs one parked long poll and a heartbeat row update every 30 s, never a watch event.
 */
import {
  AGENT_PROTOCOL,
  AGENT_PROTOCOL_HEADER,
  agentAnswerIssues,
  agentStatusReportIssues,
  type AgentAnswer,
  type AgentStatusReport,
  StrataError,
  SUPPORTED_AGENT_PROTOCOLS,
  validationError,
  type BundledChartMessage,
  type DriftEntry,
  type DesiredStateMessage,
} from '@strata/api';
import { maskJson, type ResolvedLayer } from '@strata/core';
import type { AgentIdentity, ResourceRepository } from '@strata/store';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ClusterAgents } from './cluster-agents.js';
import { recordEvent } from '../controllers/events.js';
import { updateClusterStatus } from '../clusters/cluster-status.js';

export interface AgentGatewayOptions {
  store: ResourceRepository;
  agents: ClusterAgents;
  /** Called after a report changed a cluster's status (wakes watchers). */
  onStatus?: (tenant: string) => void;
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

export function registerAgentGateway(app: FastifyInstance, o: AgentGatewayOptions): void {
  const authenticate = async (req: FastifyRequest): Promise<AgentIdentity> => {
    protocolOf(req);
    return o.agents.authenticate(req.headers.authorization);
  };
  const tags = ['Agent'];
  const config = { public: true };

  app.get<{ Querystring: { after?: string; waitSeconds?: string } }>(
    '/v1/agent/desired-state',
    {
      config,
      schema: {
        tags,
        summary: 'Long poll for the cluster’s desired state (agent token)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            after: { type: 'string', pattern: '^[0-9]{1,15}$' },
            waitSeconds: { type: 'string', pattern: '^[0-9]{1,3}$' },
          },
        },
      },
    },
    async (req, reply) => {
      const agent = await authenticate(req);
      const after = Number(req.query.after ?? '0');
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
        stack: desired?.stack ?? { hash: '', layers: [] },
        policy: desired?.policy ?? { drift: 'report', paused: true },
        mode: desired?.mode ?? 'read-only',
        ...(request ? { request } : {}),
      };
      return reply.header('cache-control', 'no-store').send(message);
    },
  );

  app.post(
    '/v1/agent/answer',
    {
      config,
      // Read objects can be large (a ConfigMap may hold up to 1 MiB); the answer is bounded by its schema too.
      bodyLimit: 16 * 1024 * 1024,
      schema: { tags, summary: 'The answer to a request delivered by the long poll (agent token)' },
    },
    async (req, reply) => {
      const agent = await authenticate(req);
      const issues = agentAnswerIssues(req.body);
      if (issues.length > 0) throw validationError(issues);
      const body = req.body as AgentAnswer;
      const answer = body.preview
        ? { preview: body.preview }
        : body.read
          ? { read: body.read }
          : { error: body.error ?? '' };
      if (!(await o.agents.answer(agent.clusterUid, body.id, answer)))
        throw new StrataError(
          'STRATA_NOT_FOUND',
          `no request ${body.id} waits for an answer from this cluster's agent (it may have timed out)`,
        );
      return reply.code(204).send();
    },
  );

  app.post(
    '/v1/agent/status',
    { config, schema: { tags, summary: 'Status report and heartbeat (agent token)' } },
    async (req) => {
      const agent = await authenticate(req);
      const issues = agentStatusReportIssues(req.body);
      if (issues.length > 0) throw validationError(issues);
      const report = req.body as AgentStatusReport;
      await o.agents.touch(agent.clusterUid, report.agentVersion);
      const newest = await o.agents.newest(agent.clusterUid);
      // Drift values and layer messages can quote values of sensitive variables: stored (and shown) masked.
      if (report.layers.some((l) => (l.drift ?? []).length > 0 || l.message))
        report.layers = maskJson(report.layers, newest.secrets);
      const key = { kind: 'Cluster', tenant: agent.tenant, project: agent.project, name: agent.name };
      let wrote = false;
      let before: LayerState[] = [];
      const updated = await updateClusterStatus(o.store, key, (s, cluster) => {
        before = (s.layers as LayerState[] | undefined) ?? [];
        if (cluster.metadata.uid !== agent.clusterUid) return false; // a newer cluster reuses the name
        const last = typeof s.lastReportAt === 'string' ? Date.parse(s.lastReportAt) : 0;
        if (Date.parse(report.observedAt) < last) return false; // a queued report older than what we have
        s.lastReportAt = report.observedAt;
        s.reportedRevision = report.revision;
        s.health = report.health;
        s.layers = report.layers;
        if (report.nodes) s.nodes = report.nodes;
        if (report.kubernetesVersion && !s.kubernetesVersion) s.kubernetesVersion = report.kubernetesVersion;
        if (report.discovery !== undefined) s.discovery = report.discovery;
        const agentStatus = (s.agent as Record<string, unknown> | undefined) ?? {};
        s.agent = { ...agentStatus, connected: true, version: report.agentVersion };
        wrote = true;
      });
      if (!updated) throw new StrataError('STRATA_NOT_FOUND', `cluster "${agent.name}" no longer exists`);
      if (wrote) {
        o.onStatus?.(agent.tenant);
        for (const e of layerEvents(before, report.layers)) {
          await recordEvent(o.store, {
            tenant: agent.tenant,
            involvedObject: { kind: 'Cluster', name: agent.name, project: agent.project },
            ...e,
            source: 'agent',
          });
        }
      }
      return { revision: newest.revision };
    },
  );

  app.get<{ Params: { digest: string } }>(
    '/v1/agent/charts/:digest',
    {
      config,
      schema: {
        tags,
        summary: 'A chart bundled in a pack the cluster’s stack uses (agent token)',
        params: {
          type: 'object',
          properties: { digest: { type: 'string', pattern: '^sha256:[0-9a-f]{64}$' } },
        },
      },
    },
    async (req) => {
      const agent = await authenticate(req);
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

type LayerState = { profile: string; name: string; state: string; message?: string; drift?: DriftEntry[] };

function describeDrift(d: DriftEntry): string {
  const o = d.object;
  const where = `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;
  return d.path === '' ? `${where} is missing` : `${where} ${d.path}`;
}

/** Events for the layer transitions a report brings: drift found, drift repaired, a layer failing. */
export function layerEvents(
  before: readonly LayerState[],
  after: readonly LayerState[],
): { type: 'Normal' | 'Warning'; reason: string; message: string }[] {
  const previous = new Map(before.map((l) => [`${l.profile}/${l.name}`, l.state]));
  const events: { type: 'Normal' | 'Warning'; reason: string; message: string }[] = [];
  for (const l of after) {
    const was = previous.get(`${l.profile}/${l.name}`);
    if (was === l.state) continue;
    if (l.state === 'Drifted') {
      const what = (l.drift ?? []).slice(0, 3).map(describeDrift).join('; ');
      events.push({
        type: 'Warning',
        reason: 'DriftDetected',
        message: `layer ${l.name}: ${what || 'drifted'}`,
      });
    } else if (was === 'Drifted' && l.state === 'Applied') {
      events.push({
        type: 'Normal',
        reason: 'DriftRemediated',
        message: `layer ${l.name} matches its desired state again`,
      });
    } else if (l.state === 'Failed') {
      events.push({
        type: 'Warning',
        reason: 'LayerFailed',
        message: `layer ${l.name}: ${l.message ?? 'failed'}`,
      });
    }
  }
  return events;
}
