/**
 * What the provider is asked to build for a Cluster: its infrastructure name, the Kubernetes version and the OS
 * image identity, derived from the spec and the resolved stack. Shared by the validation hook, the controller and
 * the plan endpoint so they always agree.
 */
import { createHash } from 'node:crypto';
import { StrataError, type AgentMode, type ClusterSpec, type Resource } from '@strata/api';
import { IMPORTED_PROVIDER, effectiveKubernetesVersion, type ResolvedStack } from '@strata/core';
import type { GatewayRef, ProviderCluster } from '@strata/provider-sdk';
import type { ProviderRegistry } from './provider-registry.js';

/** The infrastructure name: DNS-1123 label, unique per provider (the uid suffix), recognisable (the name prefix). */
export function infrastructureName(name: string, uid: string): string {
  const prefix = name.slice(0, 40).replace(/-+$/, '');
  return `${prefix}-${uid.replace(/-/g, '').slice(0, 8)}`;
}

/** The infrastructure name a Cluster object uses (recorded in status once provisioning started). */
export function clusterInfrastructureName(cluster: Resource): string {
  const recorded = cluster.status.infrastructureName;
  return typeof recorded === 'string'
    ? recorded
    : infrastructureName(cluster.metadata.name, cluster.metadata.uid);
}

/** A string status field, or the fallback. */
export function statusString(cluster: Resource, field: string, fallback: string): string {
  const v = cluster.status[field];
  return typeof v === 'string' ? v : fallback;
}

/** The OS layer's identity (pack, version, content hash): a change repaves every pool. */
export function osImage(stack: ResolvedStack | undefined): string | undefined {
  const os = stack?.layers.find((l) => l.layer === 'os');
  if (!os) return undefined;
  const source = 'pack' in os.source ? `${os.source.pack}@${os.source.version}` : os.name;
  return `${source}#${os.hash.replace(/^sha256:/, '').slice(0, 12)}`;
}

/** The Gateway `spec.gateway` names, as seen from the cluster's project (undefined without one). */
export function gatewayRef(
  where: { tenant: string; project: string },
  spec: Pick<ClusterSpec, 'gateway'>,
): GatewayRef | undefined {
  return typeof spec.gateway === 'string' ? { ...where, name: spec.gateway } : undefined;
}

/**
 * The cluster as stored, for provider calls that only find its infrastructure (delete, pause): nothing is resolved,
 * so a spec that cannot be satisfied still gets there. A spec that cannot be processed goes without its free-form part.
 */
export function storedTarget(cluster: Resource, unprocessable: boolean): ProviderCluster {
  const { providerConfig: _unprocessable, ...bounded } = cluster.spec;
  const spec = (unprocessable ? bounded : cluster.spec) as unknown as ClusterSpec;
  const version = cluster.status.kubernetesVersion;
  const gateway = gatewayRef(
    { tenant: cluster.metadata.tenant, project: cluster.metadata.project ?? '' },
    spec,
  );
  return {
    name: clusterInfrastructureName(cluster),
    spec,
    kubernetesVersion: typeof version === 'string' ? version : 'v0.0.0',
    ...(gateway ? { gateway } : {}),
  };
}

export function providerCluster(input: {
  name: string;
  spec: ClusterSpec;
  stack?: ResolvedStack | undefined;
  /** Where the cluster lives: its spec.gateway is looked up from there. */
  where?: { tenant: string; project: string };
}): ProviderCluster | undefined {
  const kubernetesVersion = effectiveKubernetesVersion({
    spec: input.spec,
    ...(input.stack ? { stack: input.stack } : {}),
  });
  // An imported cluster runs whatever it runs: there is no version to build.
  if (!kubernetesVersion && input.spec.provider === IMPORTED_PROVIDER) {
    return { name: input.name, spec: input.spec, kubernetesVersion: '' };
  }
  if (!kubernetesVersion) return undefined;
  const image = osImage(input.stack);
  const gateway = input.where ? gatewayRef(input.where, input.spec) : undefined;
  return {
    name: input.name,
    spec: input.spec,
    kubernetesVersion,
    ...(image ? { osImage: image } : {}),
    ...(gateway ? { gateway } : {}),
  };
}

/** The machines the pools should run (version, OS, shapes): approving a repave approves exactly this target. */
export function machineTarget(cluster: ProviderCluster): string {
  const shapes = cluster.spec.nodePools.map((p) => [
    p.name,
    p.controlPlane === true,
    p.instanceType ?? '',
    p.cpu ?? '',
    p.memory ?? '',
  ]);
  const digest = createHash('sha256')
    .update(JSON.stringify([cluster.kubernetesVersion, cluster.osImage ?? '', shapes]))
    .digest('hex')
    .slice(0, 16);
  return `${cluster.kubernetesVersion}/${digest}`;
}

/** Imported read-only clusters get a read-only agent; everything else a full one. */
export function agentMode(spec: ClusterSpec): AgentMode {
  return spec.import?.mode === 'read-only' ? 'read-only' : 'full';
}

/**
 * A cluster whose provider runs its agent itself (sandbox; imported with `connect: server`) has no manifest to
 * apply: `agent-manifest` and import links are refused for it.
 */
export function refuseProviderRunAgent(providers: ProviderRegistry, cluster: Resource): void {
  const spec = cluster.spec as unknown as ClusterSpec;
  const provider = providers.get(String(spec.provider));
  if (provider?.ensureAgent && spec.import?.connect !== 'manifest') {
    throw new StrataError(
      'STRATA_CONFLICT',
      `the ${provider.name} provider runs the agent of "${cluster.metadata.name}" itself; there is no manifest to apply`,
    );
  }
}
