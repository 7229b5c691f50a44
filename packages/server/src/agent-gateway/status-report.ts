/**
 * An agent's status report (also its heartbeat) applied to its Cluster: the agent's health, layers, nodes and
 * discovery in `status`, and an Event for each layer transition (drift found, drift repaired, a layer failing).
 */
import { StrataError, type AgentLayerReport, type AgentStatusReport, type DriftEntry } from '@strata/api';
import { maskJson } from '@strata/core';
import type { AgentIdentity, ResourceRepository } from '@strata/store';
import { updateClusterStatus } from '../clusters/cluster-status.js';
import { recordEvent } from '../controllers/events.js';
import type { ClusterAgents } from './cluster-agents.js';

export interface StatusReportOptions {
  store: ResourceRepository;
  agents: ClusterAgents;
  /** Called after a report changed a cluster's status (wakes watchers). */
  onStatus?: (tenant: string) => void;
}

/** Stores the report (the newest one wins) and answers with the newest revision, which the agent pulls if newer. */
export async function applyStatusReport(
  o: StatusReportOptions,
  agent: AgentIdentity,
  report: AgentStatusReport,
): Promise<{ revision: number }> {
  await o.agents.touch(agent.clusterUid, report.agentVersion);
  const newest = await o.agents.newest(agent.clusterUid);
  // A revision of another epoch (this server was restored from a backup) is not one of ours, whatever its number.
  const ours = report.epoch === undefined || report.epoch === (await o.agents.repository.epoch());
  // Drift values and layer messages can quote values of sensitive variables: stored (and shown) masked.
  if (report.layers.some((l) => (l.drift ?? []).length > 0 || l.message))
    report.layers = maskJson(report.layers, newest.secrets);
  const key = { kind: 'Cluster', tenant: agent.tenant, project: agent.project, name: agent.name };
  let wrote = false;
  let before: AgentLayerReport[] = [];
  const updated = await updateClusterStatus(o.store, key, (s, cluster) => {
    before = (s.layers as AgentLayerReport[] | undefined) ?? [];
    if (cluster.metadata.uid !== agent.clusterUid) return false; // a newer cluster reuses the name
    const last = typeof s.lastReportAt === 'string' ? Date.parse(s.lastReportAt) : 0;
    if (Date.parse(report.observedAt) < last) return false; // a queued report older than what we have
    s.lastReportAt = report.observedAt;
    if (ours) s.reportedRevision = report.revision;
    else delete s.reportedRevision;
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
}

function describeDrift(d: DriftEntry): string {
  const o = d.object;
  const where = `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;
  return d.path === '' ? `${where} is missing` : `${where} ${d.path}`;
}

/** Events for the layer transitions a report brings: drift found, drift repaired, a layer failing. */
export function layerEvents(
  before: readonly AgentLayerReport[],
  after: readonly AgentLayerReport[],
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
