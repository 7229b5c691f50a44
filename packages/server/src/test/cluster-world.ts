/**
 * A server with the Cluster controller driven by hand, for tests of its decisions: a real store and routes, the
 * scripted provider, and one published full profile `base` (ubuntu, kubernetes, sandbox CNI and CSI).
 */
import type { ClusterStatus } from '@strata/api';
import { ClusterAgentRepository } from '@strata/store';
import { sqliteTestDatabase, type TestBackend } from '@strata/testing';
import { ClusterAgents } from '../agent-gateway/cluster-agents.js';
import { ProviderRegistry } from '../clusters/provider-registry.js';
import { realClock, type Clock, type ReconcileContext } from '../controller-runtime/index.js';
import {
  ClusterController,
  type ClusterControllerOptions,
} from '../controllers/cluster/cluster-controller.js';
import { expectOk, publishProfile, startTestServer, type TestServer } from './harness.js';
import { ScriptedProvider } from './scripted-provider.js';

export const PROJECT_URL = '/v1/projects/default';

/** The layers of a full profile every sandbox cluster in the server tests can run (built-in packs). */
export const SANDBOX_INFRA_LAYERS = [
  { pack: 'ubuntu', version: '24.04.1' },
  { pack: 'kubernetes', version: '1.36.3' },
  { pack: 'sandbox-cni', version: '0.1.0' },
  { pack: 'sandbox-csi', version: '0.1.0' },
];

export interface ClusterWorld {
  s: TestServer;
  provider: ScriptedProvider;
  controller: ClusterController;
  agents: ClusterAgents;
  key(name: string): { kind: string; tenant: string; project: string; name: string };
  ctx(attempt?: number, clock?: Clock): ReconcileContext;
  /** Creates a cluster of the scripted provider with `base` attached (extra spec fields merged in). */
  create(name: string, spec?: Record<string, unknown>, labels?: Record<string, string>): Promise<unknown>;
  status(name: string): Promise<ClusterStatus>;
  /** Reasons of the cluster's Events (read through the project's list: it still answers after the cluster went). */
  events(name: string): Promise<string[]>;
  close(): Promise<void>;
}

export async function startClusterWorld(
  options: Partial<ClusterControllerOptions> = {},
  backend: TestBackend = { name: 'sqlite', create: sqliteTestDatabase },
): Promise<ClusterWorld> {
  const provider = new ScriptedProvider();
  const s = await startTestServer(backend, { providers: new ProviderRegistry([provider]) });
  const agents = new ClusterAgents({
    repository: new ClusterAgentRepository({ db: s.database.handle.db }),
    cipher: s.cipher,
  });
  const controller = new ClusterController({
    store: s.store,
    catalogs: s.catalogs,
    providers: new ProviderRegistry([provider]),
    agents,
    agentServerUrl: () => 'http://127.0.0.1:1',
    agentTimeoutMs: 1000,
    cipher: s.cipher,
    ...options,
  });
  const P = PROJECT_URL;
  await publishProfile(
    s,
    { metadata: { name: 'base' }, spec: { type: 'full', version: '1.0.0', layers: SANDBOX_INFRA_LAYERS } },
    P,
  );
  const key = (name: string) => ({ kind: 'Cluster', tenant: 'default', project: 'default', name });
  return {
    s,
    provider,
    controller,
    agents,
    key,
    ctx: (attempt = 1, clock = realClock) => ({
      controller: 'cluster',
      signal: new AbortController().signal,
      clock,
      attempt,
    }),
    create: (name, spec = {}, labels = {}) =>
      expectOk(
        s.call({
          method: 'POST',
          url: `${P}/clusters`,
          body: {
            metadata: { name, labels },
            spec: {
              provider: 'scripted',
              nodePools: [{ name: 'cp', controlPlane: true, count: 1 }],
              profiles: [{ name: 'base', version: '1.0.0' }],
              ...spec,
            },
          },
        }),
      ),
    status: async (name) =>
      (await s.store.get({ tenant: 'default', projects: '*' }, key(name)))?.status ?? {},
    events: async (name) =>
      ((await s.call({ method: 'GET', url: `${P}/events?limit=1000` })).body.items ?? [])
        .map((e) => e.spec as { reason: string; involvedObject: { name: string } })
        .filter((e) => e.involvedObject.name === name)
        .map((e) => e.reason),
    close: () => s.close(),
  };
}
