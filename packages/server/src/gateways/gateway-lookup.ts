/**
 * Finding the Gateway a cluster names (its project's first, then its tenant's), and the gateway client a Cluster API
 * provider talks through — only while that Gateway is Ready.
 */
import type { Resource } from '@strata/api';
import type { GatewayClient } from '@strata/capi';
import { transient, unsupported, type GatewayRef, type ProviderCluster } from '@strata/provider-sdk';
import { listAll, type ResourceRepository } from '@strata/store';
import type { EmbeddedGatewayHost } from './embedded-host.js';

/** The Gateway `ref` names: in the cluster's project, else at tenant scope; undefined when neither exists. */
export async function findGateway(store: ResourceRepository, ref: GatewayRef): Promise<Resource | undefined> {
  const scope = { tenant: ref.tenant, projects: '*' as const };
  const key = { kind: 'Gateway', tenant: ref.tenant, name: ref.name };
  const inProject = ref.project ? await store.get(scope, { ...key, project: ref.project }) : undefined;
  const found = inProject ?? (await store.get(scope, { ...key, project: '' }));
  return found && !found.metadata.deletedAt ? found : undefined;
}

export function describeRef(ref: GatewayRef): string {
  return ref.project ? `project "${ref.project}" or tenant "${ref.tenant}"` : `tenant "${ref.tenant}"`;
}

/** What a Cluster API provider calls for its cluster's gateway client. */
export function gatewayClients(o: {
  store: ResourceRepository;
  embedded: EmbeddedGatewayHost;
}): (cluster: ProviderCluster) => Promise<GatewayClient> {
  return async (cluster) => {
    const ref = cluster.gateway;
    if (!ref) throw unsupported(`cluster ${cluster.name} names no gateway (spec.gateway)`);
    const gateway = await findGateway(o.store, ref);
    if (!gateway) {
      throw unsupported(`gateway "${ref.name}" does not exist in ${describeRef(ref)}`, [
        { path: '/spec/gateway', message: `no gateway "${ref.name}"` },
      ]);
    }
    const phase = gateway.status['phase'];
    if (phase !== 'Ready') {
      const message = typeof gateway.status['message'] === 'string' ? gateway.status['message'] : '';
      throw transient(
        `gateway "${ref.name}" is not ready (${typeof phase === 'string' ? phase : 'Pending'})${message ? `: ${message}` : ''}`,
      );
    }
    return o.embedded.client();
  };
}

/** Live (not deleting) embedded Gateways of every tenant: while one exists, the embedded management cluster stays. */
export async function liveEmbeddedGateways(store: ResourceRepository): Promise<Resource[]> {
  const tenants = await listAll(store, { tenant: '', projects: '*' }, { kind: 'Tenant', project: '' });
  const live: Resource[] = [];
  for (const tenant of tenants) {
    const scope = { tenant: tenant.metadata.name, projects: '*' as const };
    live.push(
      ...(await listAll(store, scope, { kind: 'Gateway' })).filter(
        (g) => (g.spec['type'] ?? 'embedded') === 'embedded',
      ),
    );
  }
  return live;
}

/** The clusters assigned to `gateway` (deleting ones too: they need it to go). Two list queries, whatever the count. */
export async function clustersOf(store: ResourceRepository, gateway: Resource): Promise<Resource[]> {
  const { tenant, project, name } = gateway.metadata;
  const scope = { tenant, projects: '*' as const };
  const named = (
    await listAll(store, scope, { kind: 'Cluster', ...(project ? { project } : {}), includeDeleted: true })
  ).filter((cluster) => cluster.spec['gateway'] === name);
  if (project) return named;
  // A tenant gateway serves the clusters whose project has no gateway of that name.
  const shadowing = await listAll(store, scope, { kind: 'Gateway', name });
  const shadowed = new Set(shadowing.flatMap((g) => (g.metadata.project ? [g.metadata.project] : [])));
  return named.filter((cluster) => !shadowed.has(cluster.metadata.project ?? ''));
}
