/**
 * The Cluster controller's decisions, driven step by step against a real store with a scripted provider (the
 * provider contract is ours; real providers are exercised by the conformance suite and the e2e tests).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ProviderError,
  unsupported,
  type AgentLaunch,
  type ClusterProgress,
  type DeleteResult,
  type Provider,
  type ProviderCluster,
} from '@strata/provider-sdk';
import { ClusterAgentRepository } from '@strata/store';
import { sqliteTestDatabase } from '@strata/testing';
import type { ReconcileContext } from '../../controller-runtime/index.js';
import { realClock } from '../../controller-runtime/index.js';
import { expectOk, startTestServer, type TestServer } from '../../test/harness.js';
import { ClusterAgents } from '../../clusters/cluster-agents.js';
import { ClusterController } from './cluster-controller.js';
import { ProviderRegistry } from '../../clusters/provider-registry.js';

class ScriptedProvider implements Provider {
  readonly name = 'scripted';
  /** What the next ensure() does: a progress, or an error to throw. */
  next: (ClusterProgress | Error)[] = [];
  ensureCalls = 0;
  token: string | undefined;
  deleteResults: DeleteResult[] = [];
  deleted: ProviderCluster[] = [];
  capabilities() {
    return Promise.resolve({ kubernetesVersions: ['v1.36.3'], scaling: true, repave: true, upgrade: false });
  }
  validate() {
    return Promise.resolve([]);
  }
  ensure(cluster: ProviderCluster): Promise<ClusterProgress> {
    this.ensureCalls++;
    const step = this.next.shift() ?? ready(cluster);
    return step instanceof Error ? Promise.reject(step) : Promise.resolve(step);
  }
  scalePool(cluster: ProviderCluster) {
    return Promise.resolve(ready(cluster));
  }
  repavePool(cluster: ProviderCluster) {
    return Promise.resolve(ready(cluster));
  }
  kubeconfig() {
    return Promise.resolve('kind: Config');
  }
  ensureAgent(_cluster: ProviderCluster, launch: AgentLaunch) {
    if (launch.token) this.token = launch.token;
    return Promise.resolve({ running: true, started: launch.token !== undefined, message: 'agent running' });
  }
  delete(cluster: ProviderCluster): Promise<DeleteResult> {
    this.deleted.push(cluster);
    return Promise.resolve(this.deleteResults.shift() ?? { done: true });
  }
}

function ready(cluster: ProviderCluster): ClusterProgress {
  return {
    infrastructureReady: true,
    controlPlaneReady: true,
    nodePools: cluster.spec.nodePools.map((p) => ({
      name: p.name,
      desired: p.count,
      ready: p.count,
      outdated: 0,
      version: cluster.kubernetesVersion,
    })),
    kubernetesVersion: cluster.kubernetesVersion,
    endpoint: 'https://127.0.0.1:1',
    message: 'all nodes Ready',
    ready: true,
  };
}

const P = '/v1/projects/default';
const key = (name: string) => ({ kind: 'Cluster', tenant: 'default', project: 'default', name });
const ctx = (attempt = 1): ReconcileContext => ({
  controller: 'cluster',
  signal: new AbortController().signal,
  clock: realClock,
  attempt,
});

describe('cluster controller decisions', () => {
  let s: TestServer;
  let provider: ScriptedProvider;
  let controller: ClusterController;
  let agents: ClusterAgents;
  before(async () => {
    provider = new ScriptedProvider();
    const backend = { name: 'sqlite', create: sqliteTestDatabase } as const;
    s = await startTestServer(backend, { providers: new ProviderRegistry([provider]) });
    agents = new ClusterAgents({
      repository: new ClusterAgentRepository({ db: s.database.handle.db }),
      cipher: s.cipher,
    });
    controller = new ClusterController({
      store: s.store,
      catalogs: s.catalogs,
      providers: new ProviderRegistry([provider]),
      agents,
      agentServerUrl: () => 'http://127.0.0.1:1',
      agentTimeoutMs: 1000,
      cipher: s.cipher,
    });
    await expectOk(
      s.call({
        method: 'POST',
        url: `${P}/clusterprofiles`,
        body: {
          metadata: { name: 'base' },
          spec: {
            type: 'full',
            version: '1.0.0',
            layers: [
              { pack: 'ubuntu', version: '24.04.1' },
              { pack: 'kubernetes', version: '1.36.3' },
              { pack: 'sandbox-cni', version: '0.1.0' },
              { pack: 'sandbox-csi', version: '0.1.0' },
            ],
          },
        },
      }),
    );
    await expectOk(s.call({ method: 'POST', url: `${P}/clusterprofiles/base/versions/1.0.0/publish` }));
  });
  after(async () => s?.close());

  const create = (name: string, policy: Record<string, unknown> = {}) =>
    expectOk(
      s.call({
        method: 'POST',
        url: `${P}/clusters`,
        body: {
          metadata: { name },
          spec: {
            provider: 'scripted',
            nodePools: [{ name: 'cp', controlPlane: true, count: 1 }],
            profiles: [{ name: 'base', version: '1.0.0' }],
            policy,
          },
        },
      }),
    );
  const status = async (name: string) =>
    (await s.store.get({ tenant: 'default', projects: '*' }, key(name)))?.status as Record<
      string,
      unknown
    > & {
      phase?: string;
      conditions?: { type: string; status: string; reason: string }[];
      failure?: { reason: string };
    };
  const cond = async (name: string, type: string) =>
    (await status(name)).conditions?.find((c) => c.type === type);
  // Read through the project's Event list: it still answers after the cluster is gone.
  const events = async (name: string) =>
    ((await s.call({ method: 'GET', url: `${P}/events?limit=1000` })).body.items ?? [])
      .map((e) => e.spec as { reason: string; involvedObject: { name: string } })
      .filter((e) => e.involvedObject.name === name)
      .map((e) => e.reason);

  it('retries transient provider errors without failing at once, shows Failed after many, and recovers', async () => {
    await create('flaky');
    for (let attempt = 1; attempt <= 3; attempt++) {
      provider.next.push(new ProviderError({ message: 'API not reachable yet', retriable: true }));
      await assert.rejects(controller.reconcile(ctx(attempt), key('flaky')), /not reachable/);
      assert.notEqual((await status('flaky')).phase, 'Failed', `attempt ${attempt} is not a failure yet`);
    }
    assert.equal((await cond('flaky', 'InfrastructureReady'))?.reason, 'ProviderError');
    provider.next.push(new ProviderError({ message: 'still not reachable', retriable: true }));
    await assert.rejects(controller.reconcile(ctx(8), key('flaky')));
    assert.equal((await status('flaky')).phase, 'Failed');
    assert.equal((await status('flaky')).failure?.reason, 'RetriesExhausted');
    await controller.reconcile(ctx(1), key('flaky'));
    const after = await status('flaky');
    assert.equal(after.phase, 'Provisioning', 'success leaves Failed: waiting for the agent now');
    assert.equal(after.failure, undefined);
    assert.ok((await events('flaky')).includes('ProviderError'));
  });

  it('marks a terminal provider error Failed at once with the reason, and does not throw', async () => {
    await create('refused');
    provider.next.push(unsupported('Kubernetes v1.99.0 is unavailable'));
    const result = await controller.reconcile(ctx(1), key('refused'));
    assert.equal(result.kind, 'requeueAfter');
    const st = await status('refused');
    assert.equal(st.phase, 'Failed');
    assert.equal(st.failure?.reason, 'ProviderRefused');
    assert.ok((await events('refused')).includes('ProviderRefused'));
  });

  it('reaches Running when the agent reports the newest revision applied; a silent agent is not a failure', async () => {
    await create('happy');
    await controller.reconcile(ctx(), key('happy'));
    let st = await status('happy');
    assert.equal(st.phase, 'Provisioning');
    assert.equal((await cond('happy', 'AgentConnected'))?.reason, 'WaitingForAgent');
    const revision = (st.desired as { revision: number }).revision;
    assert.equal(revision, 1);
    assert.ok(provider.token?.startsWith('sat.'), 'the provider got a token to start the agent with');
    const report = (layers: string[]) => ({
      protocol: 1,
      agentVersion: '0.1.0',
      revision,
      observedAt: new Date().toISOString(),
      health: 'Healthy',
      layers: layers.map((name) => ({ profile: 'base', name, hash: 'h', state: 'Applied' })),
    });
    // The agent took the revision but has not listed its layers yet (or only some): not applied, not Running.
    for (const partial of [[], ['ubuntu', 'kubernetes']]) {
      await expectOk(
        s.call({ method: 'POST', url: '/v1/agent/status', key: provider.token!, body: report(partial) }),
      );
      await controller.reconcile(ctx(), key('happy'));
      assert.equal((await status('happy')).phase, 'Provisioning', `layers reported: ${partial.join(', ')}`);
      assert.equal((await cond('happy', 'LayersApplied'))?.status, 'False');
    }
    await expectOk(
      s.call({
        method: 'POST',
        url: '/v1/agent/status',
        key: provider.token!,
        body: report(['ubuntu', 'kubernetes', 'sandbox-cni', 'sandbox-csi']),
      }),
    );
    await controller.reconcile(ctx(), key('happy'));
    st = await status('happy');
    assert.equal(st.phase, 'Running');
    for (const type of [
      'InfrastructureReady',
      'ControlPlaneReady',
      'NodePoolsReady',
      'AgentConnected',
      'LayersApplied',
      'NoDrift',
    ]) {
      assert.equal((await cond('happy', type))?.status, 'True', type);
    }
    await new Promise((r) => setTimeout(r, 1100)); // the agent timeout of this test is 1 s
    await controller.reconcile(ctx(), key('happy'));
    st = await status('happy');
    assert.equal(st.phase, 'Running', 'a disconnected agent does not fail the cluster');
    assert.equal(st.health, 'Unknown');
    assert.equal((await cond('happy', 'AgentConnected'))?.reason, 'AgentDisconnected');
    assert.ok((await events('happy')).includes('AgentDisconnected'));
  });

  it('changes nothing while paused, and says so', async () => {
    await create('held', { paused: true });
    const calls = provider.ensureCalls;
    await controller.reconcile(ctx(), key('held'));
    assert.equal(provider.ensureCalls, calls);
    assert.equal((await status('held')).paused, true);
  });

  it('deletes through the provider, resumably, and lets the object go only when nothing is left', async () => {
    await controller.reconcile(ctx(), key('happy'));
    const uid = (await s.call({ method: 'GET', url: `${P}/clusters/happy` })).body.metadata as {
      uid: string;
    };
    await expectOk(s.call({ method: 'DELETE', url: `${P}/clusters/happy` }));
    provider.deleteResults.push({ done: false, message: 'waiting for machines to go' });
    await controller.reconcile(ctx(), key('happy'));
    assert.equal((await status('happy')).phase, 'Deleting');
    await controller.reconcile(ctx(), key('happy'));
    assert.equal((await s.call({ method: 'GET', url: `${P}/clusters/happy` })).status, 404);
    assert.equal(await agents.repository.get(uid.uid), undefined, 'the agent token is gone too');
    assert.ok((await events('happy')).includes('Deleted'));
  });

  it('a spec stored before the depth bound existed is Failed without reaching the provider, and can be deleted', async () => {
    // Finding 9 of issue 14: a providerConfig thousands of levels deep crashed the controller for ever, and a deleted
    // cluster never went (its name could not be reused). The API refuses such a spec now; write it as older data.
    await create('deep');
    const stored = await s.store.get({ tenant: 'default', projects: '*' }, key('deep'));
    let providerConfig: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 3000; i++) providerConfig = { a: providerConfig };
    await s.store.update(
      { tenant: 'default', projects: '*' },
      { key: key('deep'), spec: { ...stored!.spec, providerConfig } },
      { name: 'test:stored-before-the-bound' },
    );
    const calls = provider.ensureCalls;
    await controller.reconcile(ctx(), key('deep'));
    assert.equal(provider.ensureCalls, calls, 'the provider never sees the spec');
    const st = await status('deep');
    assert.equal(st.phase, 'Failed');
    assert.equal(st.failure?.reason, 'InvalidSpec');
    assert.deepEqual(
      st.conditions?.filter((c) => c.type === 'SpecValid').map((c) => [c.status, c.reason]),
      [['False', 'InvalidSpec']],
    );
    assert.ok((await events('deep')).includes('InvalidSpec'));

    await expectOk(s.call({ method: 'DELETE', url: `${P}/clusters/deep` }));
    await controller.reconcile(ctx(), key('deep'));
    const deleted = provider.deleted.at(-1);
    assert.equal(deleted?.name.includes('deep'), true, 'the infrastructure is deleted by name');
    assert.equal(deleted?.spec.providerConfig, undefined, 'without the part it cannot process');
    assert.equal((await s.call({ method: 'GET', url: `${P}/clusters/deep` })).status, 404);
    await create('deep');
    await controller.reconcile(ctx(), key('deep'));
    assert.equal((await cond('deep', 'SpecValid'))?.status, 'True', 'the name is free again');
  });
});
