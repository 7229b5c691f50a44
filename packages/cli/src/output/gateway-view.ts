/** `strata gateway describe`: a gateway's health at a glance — phase, build progress, managers, conditions. */
import type { GatewayStatus, Resource } from '@strata/api';
import { formatAge } from './age.js';
import { conditionsTable, field } from './describe.js';
import { renderTable } from './table.js';

export function gatewayText(gateway: Resource, now: Date): string {
  const status = gateway.status as Partial<GatewayStatus>;
  const m = gateway.metadata;
  const lines = [
    field('Name', m.name),
    field('Scope', m.project ? `project ${m.project}` : `tenant ${m.tenant}`),
    field('Type', typeof gateway.spec['type'] === 'string' ? gateway.spec['type'] : 'embedded'),
    field('Phase', status.phase ?? 'Pending'),
    field('Message', status.message ?? ''),
    ...(status.clusterApiVersion ? [field('Cluster API', status.clusterApiVersion)] : []),
    field('Clusters', String(status.clusters ?? 0)),
    field(
      'Last Report',
      status.lastReport ? `${status.lastReport} (${formatAge(status.lastReport, now)} ago)` : 'never',
    ),
  ];
  if (status.build) {
    const b = status.build;
    lines.push(field('Building', `${b.what}: ${b.percent}% (step ${b.step}/${b.totalSteps}) ${b.message}`));
  }
  if (status.kubernetesVersions?.length) {
    const versions = status.kubernetesVersions;
    lines.push(
      field('Kubernetes', `${versions[0]} … ${versions[versions.length - 1]} (${versions.length} versions)`),
    );
  }
  if (status.components?.length) {
    lines.push(
      'Components:',
      renderTable({
        headers: ['NAME', 'VERSION', 'READY', 'WEBHOOK', 'RESTARTS'],
        rows: status.components.map((c) => [
          c.name,
          c.version,
          String(c.ready),
          c.webhookReachable ? 'reachable' : 'unreachable',
          String(c.restarts),
        ]),
      })
        .trimEnd()
        .split('\n')
        .map((l) => `  ${l}`)
        .join('\n'),
    );
  }
  lines.push(
    'Conditions:',
    conditionsTable(status.conditions ?? [], now)
      .replace(/^/gm, '  ')
      .trimEnd(),
  );
  return `${lines.join('\n')}\n`;
}
