/** Shared pieces of the cluster e2e suites: profiles, a Cluster body, and waiting on status with diagnostics. */
import type { Api } from './api.js';

export const PROJECT = '/v1/projects/default';

export interface ClusterView {
  metadata: { name: string; uid: string; deletedAt?: string; finalizers: string[] };
  spec: Record<string, unknown>;
  status: {
    phase?: string;
    message?: string;
    conditions?: { type: string; status: string; reason: string; message: string }[];
    nodePools?: { name: string; desired: number; ready: number }[];
    layers?: { name: string; state: string; message?: string }[];
    pendingRepave?: { id: string; pools: string[]; approved: boolean; reason: string; approvedBy?: string };
    infrastructureName?: string;
    endpoint?: string;
    agent?: { connected: boolean };
    desired?: { revision: number };
    reportedRevision?: number;
    updatesAvailable?: { profile: string; from: string; to: string }[];
  };
}

/** The infrastructure layers every sandbox profile of the e2e suites starts with (built-in packs). */
export function infraLayers(os = '24.04.1'): Record<string, string>[] {
  return [
    { pack: 'ubuntu', version: os },
    { pack: 'kubernetes', version: '1.36.3' },
    { pack: 'sandbox-cni', version: '0.1.0' },
    { pack: 'sandbox-csi', version: '0.1.0' },
  ];
}

/** A full profile for sandbox clusters: OS, Kubernetes, sandbox CNI/CSI, and a namespace manifest. */
export function sandboxProfile(version: string, os = '24.04.1'): Record<string, unknown> {
  return {
    metadata: { name: 'base' },
    spec: {
      type: 'full',
      version,
      variables: [{ name: 'team', type: 'string', default: 'web' }],
      layers: [
        ...infraLayers(os),
        {
          name: 'team-ns',
          manifest: "apiVersion: v1\nkind: Namespace\nmetadata: {name: '{{ .var.team }}-apps'}\n",
        },
      ],
    },
  };
}

export async function publishProfile(a: Api, body: Record<string, unknown>): Promise<void> {
  const spec = body.spec as { version: string };
  const name = (body.metadata as { name: string }).name;
  await a.ok('POST', `${PROJECT}/clusterprofiles`, body);
  await a.ok('POST', `${PROJECT}/clusterprofiles/${name}/versions/${spec.version}/publish`);
}

export function clusterBody(name: string, workers = 3, version = '1.0.0'): Record<string, unknown> {
  return {
    metadata: { name },
    spec: {
      provider: 'sandbox',
      nodePools: [
        { name: 'cp', controlPlane: true, count: 1 },
        { name: 'workers', count: workers, min: 1, max: 6, updateStrategy: { maxSurge: 1 } },
      ],
      profiles: [{ name: 'base', version }],
    },
  };
}

export async function getCluster(a: Api, name: string): Promise<ClusterView | undefined> {
  const res = await a.call('GET', `${PROJECT}/clusters/${name}`);
  if (res.status === 404) return undefined;
  if (res.status !== 200) throw new Error(`GET cluster ${name}: ${res.status} ${res.text}`);
  return res.body as unknown as ClusterView;
}

/** Waits until `check` accepts the cluster; on timeout fails with its status and events (what went wrong). */
export async function waitForCluster(
  a: Api,
  name: string,
  what: string,
  check: (c: ClusterView | undefined) => boolean,
  timeoutMs = 120_000,
): Promise<ClusterView | undefined> {
  const deadline = Date.now() + timeoutMs;
  let last: ClusterView | undefined;
  for (;;) {
    try {
      last = await getCluster(a, name);
      if (check(last)) return last;
    } catch {
      // the server may be restarting
    }
    if (Date.now() > deadline) {
      const events = await a.call('GET', `${PROJECT}/clusters/${name}/events`).catch(() => undefined);
      const lines = ((events?.body.items as { spec: Record<string, unknown> }[] | undefined) ?? [])
        .slice(0, 15)
        .map(
          (e) =>
            `  ${String(e.spec.type)} ${String(e.spec.reason)} x${String(e.spec.count)}: ${String(e.spec.message)}`,
        );
      throw new Error(
        `cluster ${name}: timed out after ${timeoutMs} ms waiting for ${what}\nstatus: ${JSON.stringify(last?.status, null, 1)}\nevents:\n${lines.join('\n')}`,
      );
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

export function conditionsTrue(c: ClusterView | undefined): boolean {
  const types = [
    'InfrastructureReady',
    'ControlPlaneReady',
    'NodePoolsReady',
    'AgentConnected',
    'LayersApplied',
    'NoDrift',
  ];
  return types.every((t) => c?.status.conditions?.find((x) => x.type === t)?.status === 'True');
}

export function running(c: ClusterView | undefined): boolean {
  return c?.status.phase === 'Running' && conditionsTrue(c);
}

/**
 * A small fleet for rollout suites: profile base 1.0.0 and 1.1.0 (its team-ns layer moves to another namespace), and
 * one Running sandbox cluster (a control plane only) per name, labelled `labels`, on 1.0.0.
 */
export async function smallFleet(
  a: Api,
  names: readonly string[],
  labels: Record<string, string>,
): Promise<void> {
  await publishProfile(a, sandboxProfile('1.0.0'));
  const next = sandboxProfile('1.1.0');
  (next.spec as { variables: { default: string }[] }).variables[0]!.default = 'shop';
  await publishProfile(a, next);
  for (const name of names) {
    await a.ok('POST', `${PROJECT}/clusters`, {
      metadata: { name, labels },
      spec: {
        provider: 'sandbox',
        nodePools: [{ name: 'cp', controlPlane: true, count: 1 }],
        profiles: [{ name: 'base', version: '1.0.0' }],
      },
    });
  }
  for (const name of names) await waitForCluster(a, name, 'Running', running, 600_000);
}
