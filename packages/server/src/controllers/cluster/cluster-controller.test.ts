/**
 * The Cluster controller's decisions, driven step by step against a real store with a scripted provider (the
 * provider contract is ours; real providers are exercised by the conformance suite and the e2e tests).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ProviderError, unsupported } from '@strata/provider-sdk';
import { readStoreEpoch } from '@strata/store';
import { FakeClock } from '@strata/testing';
import { updateClusterStatus } from '../../clusters/cluster-status.js';
import { Result } from '../../controller-runtime/index.js';
import { PROJECT_URL as P, startClusterWorld, type ClusterWorld } from '../../test/cluster-world.js';
import { expectOk } from '../../test/harness.js';

describe('cluster controller decisions', () => {
  let w: ClusterWorld;
  before(async () => {
    w = await startClusterWorld();
  });
  after(async () => w?.close());
  const create = (name: string, policy: Record<string, unknown> = {}) => w.create(name, { policy });
  const key = (name: string) => w.key(name);
  const ctx = (attempt = 1) => w.ctx(attempt);
  const status = (name: string) => w.status(name);
  const events = (name: string) => w.events(name);
  const cond = async (name: string, type: string) =>
    (await status(name)).conditions?.find((c) => c.type === type);

  it('retries transient provider errors without failing at once, shows Failed after many, and recovers', async () => {
    await create('flaky');
    for (let attempt = 1; attempt <= 3; attempt++) {
      w.provider.next.push(new ProviderError({ message: 'API not reachable yet', retriable: true }));
      await assert.rejects(w.controller.reconcile(ctx(attempt), key('flaky')), /not reachable/);
      assert.notEqual((await status('flaky')).phase, 'Failed', `attempt ${attempt} is not a failure yet`);
    }
    assert.equal((await cond('flaky', 'InfrastructureReady'))?.reason, 'ProviderError');
    w.provider.next.push(new ProviderError({ message: 'still not reachable', retriable: true }));
    await assert.rejects(w.controller.reconcile(ctx(8), key('flaky')));
    assert.equal((await status('flaky')).phase, 'Failed');
    assert.equal((await status('flaky')).failure?.reason, 'RetriesExhausted');
    await w.controller.reconcile(ctx(1), key('flaky'));
    const after = await status('flaky');
    assert.equal(after.phase, 'Provisioning', 'success leaves Failed: waiting for the agent now');
    assert.equal(after.failure, undefined);
    assert.ok((await events('flaky')).includes('ProviderError'));
  });

  it('marks a terminal provider error Failed at once with the reason, and does not throw', async () => {
    await create('refused');
    w.provider.next.push(unsupported('Kubernetes v1.99.0 is unavailable'));
    const result = await w.controller.reconcile(ctx(1), key('refused'));
    assert.equal(result.kind, 'requeueAfter');
    const st = await status('refused');
    assert.equal(st.phase, 'Failed');
    assert.equal(st.failure?.reason, 'ProviderRefused');
    assert.ok((await events('refused')).includes('ProviderRefused'));
  });

  it('reaches Running when the agent reports the newest revision applied; a silent agent is not a failure', async () => {
    await create('happy');
    await w.controller.reconcile(ctx(), key('happy'));
    let st = await status('happy');
    assert.equal(st.phase, 'Provisioning');
    assert.equal((await cond('happy', 'AgentConnected'))?.reason, 'WaitingForAgent');
    const revision = (st.desired as { revision: number }).revision;
    assert.equal(revision, 1);
    assert.ok(w.provider.token?.startsWith('sat.'), 'the provider got a token to start the agent with');
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
        w.s.call({ method: 'POST', url: '/v1/agent/status', key: w.provider.token!, body: report(partial) }),
      );
      await w.controller.reconcile(ctx(), key('happy'));
      assert.equal((await status('happy')).phase, 'Provisioning', `layers reported: ${partial.join(', ')}`);
      assert.equal((await cond('happy', 'LayersApplied'))?.status, 'False');
    }
    await expectOk(
      w.s.call({
        method: 'POST',
        url: '/v1/agent/status',
        key: w.provider.token!,
        body: report(['ubuntu', 'kubernetes', 'sandbox-cni', 'sandbox-csi']),
      }),
    );
    await w.controller.reconcile(ctx(), key('happy'));
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
    await w.controller.reconcile(ctx(), key('happy'));
    st = await status('happy');
    assert.equal(st.phase, 'Running', 'a disconnected agent does not fail the cluster');
    assert.equal(st.health, 'Unknown');
    assert.equal((await cond('happy', 'AgentConnected'))?.reason, 'AgentDisconnected');
    assert.ok((await events('happy')).includes('AgentDisconnected'));
  });

  it('changes nothing while paused, and says so', async () => {
    await create('held', { paused: true });
    const calls = w.provider.ensureCalls;
    await w.controller.reconcile(ctx(), key('held'));
    assert.equal(w.provider.ensureCalls, calls);
    assert.equal((await status('held')).paused, true);
    assert.ok(
      w.provider.paused.some((c) => c.name.startsWith('held-')),
      "the provider's own controllers are held too",
    );
  });

  it('says so when the provider cannot hold its controllers, and tries again', async () => {
    await create('held-fail', { paused: true });
    w.provider.pauseError = new Error('gateway "gw" is not ready');
    const result = await w.controller.reconcile(ctx(), key('held-fail'));
    const st = await status('held-fail');
    assert.equal(st.paused, true);
    assert.match(st.message ?? '', /paused, but the provider still acts: gateway "gw" is not ready/);
    assert.ok(result.kind === 'requeueAfter' && result.delayMs < 15_000, 'retried soon');
    await w.controller.reconcile(ctx(), key('held-fail'));
    assert.ok(w.provider.paused.some((c) => c.name.startsWith('held-fail-')));
  });

  it('a provider whose machines run nothing: Running once the infrastructure is, no agent, conditions say why', async () => {
    w.provider.runsWorkloads = false;
    try {
      await create('simulated');
      await w.controller.reconcile(ctx(), key('simulated'));
      const st = await status('simulated');
      assert.equal(st.phase, 'Running');
      assert.equal(w.provider.tokens.has(st.infrastructureName ?? ''), false, 'no agent was started');
      for (const type of ['AgentConnected', 'LayersApplied', 'NoDrift']) {
        const c = await cond('simulated', type);
        assert.equal(c?.status, 'Unknown', type);
        assert.equal(c?.reason, 'NoWorkloads', type);
      }
    } finally {
      w.provider.runsWorkloads = true;
    }
  });

  it('deletes through the provider, resumably, and lets the object go only when nothing is left', async () => {
    await w.controller.reconcile(ctx(), key('happy'));
    const uid = (await w.s.call({ method: 'GET', url: `${P}/clusters/happy` })).body.metadata as {
      uid: string;
    };
    await expectOk(w.s.call({ method: 'DELETE', url: `${P}/clusters/happy` }));
    w.provider.deleteResults.push({ done: false, message: 'waiting for machines to go' });
    await w.controller.reconcile(ctx(), key('happy'));
    assert.equal((await status('happy')).phase, 'Deleting');
    await w.controller.reconcile(ctx(), key('happy'));
    assert.equal((await w.s.call({ method: 'GET', url: `${P}/clusters/happy` })).status, 404);
    assert.equal(await w.agents.repository.get(uid.uid), undefined, 'the agent token is gone too');
    assert.ok((await events('happy')).includes('Deleted'));
  });

  it('a spec stored before the depth bound existed is Failed without reaching the provider, and can be deleted', async () => {
    // Finding 9 of issue 14: a providerConfig thousands of levels deep crashed the controller for ever, and a deleted
    // cluster never went (its name could not be reused). The API refuses such a spec now; write it as older data.
    await create('deep');
    const stored = await w.s.store.get({ tenant: 'default', projects: '*' }, key('deep'));
    let providerConfig: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 3000; i++) providerConfig = { a: providerConfig };
    await w.s.store.update(
      { tenant: 'default', projects: '*' },
      { key: key('deep'), spec: { ...stored!.spec, providerConfig } },
      { name: 'test:stored-before-the-bound' },
    );
    const calls = w.provider.ensureCalls;
    await w.controller.reconcile(ctx(), key('deep'));
    assert.equal(w.provider.ensureCalls, calls, 'the provider never sees the spec');
    const st = await status('deep');
    assert.equal(st.phase, 'Failed');
    assert.equal(st.failure?.reason, 'InvalidSpec');
    assert.deepEqual(
      st.conditions?.filter((c) => c.type === 'SpecValid').map((c) => [c.status, c.reason]),
      [['False', 'InvalidSpec']],
    );
    assert.ok((await events('deep')).includes('InvalidSpec'));

    await expectOk(w.s.call({ method: 'DELETE', url: `${P}/clusters/deep` }));
    await w.controller.reconcile(ctx(), key('deep'));
    const deleted = w.provider.deleted.at(-1);
    assert.equal(deleted?.name.includes('deep'), true, 'the infrastructure is deleted by name');
    assert.equal(deleted?.spec.providerConfig, undefined, 'without the part it cannot process');
    assert.equal((await w.s.call({ method: 'GET', url: `${P}/clusters/deep` })).status, 404);
    await create('deep');
    await w.controller.reconcile(ctx(), key('deep'));
    assert.equal((await cond('deep', 'SpecValid'))?.status, 'True', 'the name is free again');
  });

  it('a paused cluster whose profile no longer resolves is paused, not Failed: pause comes before anything that can fail', async () => {
    await create('paused-broken', { paused: true });
    const stored = await w.s.store.get({ tenant: 'default', projects: '*' }, key('paused-broken'));
    await w.s.store.update(
      { tenant: 'default', projects: '*' },
      {
        key: key('paused-broken'),
        spec: { ...stored!.spec, profiles: [{ name: 'base', version: '9.9.9' }] },
      },
      { name: 'test:profile-gone' },
    );
    const result = await w.controller.reconcile(ctx(), key('paused-broken'));
    assert.equal(result.kind, 'requeueAfter');
    const st = await status('paused-broken');
    assert.equal(st.paused, true);
    assert.equal(st.phase, 'Pending');
    assert.equal(st.failure, undefined);
    await w.s.store.update(
      { tenant: 'default', projects: '*' },
      {
        key: key('paused-broken'),
        spec: { ...stored!.spec, profiles: [{ name: 'base', version: '9.9.9' }], policy: {} },
      },
      { name: 'test:unpause' },
    );
    await w.controller.reconcile(ctx(), key('paused-broken'));
    assert.equal((await status('paused-broken')).phase, 'Failed', 'unpaused, the broken profile shows');
  });

  it('writes status once per pass, compare-and-swap: a report landing meanwhile is kept and the pass looks again', async () => {
    await create('cas');
    const store = w.s.store;
    const updateStatus = store.updateStatus.bind(store);
    let writes = 0;
    store.updateStatus = (...args: Parameters<typeof updateStatus>) => {
      if (args[1].key.name === 'cas') writes++;
      return updateStatus(...args);
    };
    try {
      await w.controller.reconcile(ctx(), key('cas'));
      assert.equal(
        writes,
        1,
        'one write for a pass that changed phase, conditions, pools, agent and revision',
      );
      await w.controller.reconcile(ctx(), key('cas'));
      assert.equal(writes, 1, 'no write when nothing changed');
      const before = await status('cas');
      w.provider.outdated.set('cp', 1); // this pass has something to write: a repave waiting for approval
      w.provider.duringEnsure = async () => {
        await updateClusterStatus(store, key('cas'), (s) => {
          s.lastReportAt = '2026-12-01T00:00:00Z';
        });
      };
      const result = await w.controller.reconcile(ctx(), key('cas'));
      assert.deepEqual(result, Result.requeueAfter(0), 'a conflict is a requeue, not an error');
      const after = await status('cas');
      assert.equal(after.lastReportAt, '2026-12-01T00:00:00Z', 'the other writer’s field is kept');
      assert.deepEqual(after.conditions, before.conditions, 'the pass wrote nothing over it');
      assert.equal(after.pendingRepave, undefined);
      w.provider.duringEnsure = undefined;
      await w.controller.reconcile(ctx(), key('cas'));
      assert.equal((await status('cas')).pendingRepave?.pools[0], 'cp', 'the next pass writes it');
    } finally {
      w.provider.duringEnsure = undefined;
      w.provider.outdated.clear();
      store.updateStatus = updateStatus;
    }
  });

  it('takes time from the reconcile context’s clock', async () => {
    await create('clocked');
    const clock = new FakeClock(Date.UTC(2030, 4, 6, 7, 8, 9));
    await w.controller.reconcile(w.ctx(1, clock), key('clocked'));
    const st = await status('clocked');
    assert.ok(st.conditions?.length);
    for (const c of st.conditions ?? [])
      assert.equal(c.lastTransitionTime, '2030-05-06T07:08:09.000Z', c.type);
    const provisioning = ((await w.s.call({ method: 'GET', url: `${P}/events?limit=1000` })).body.items ?? [])
      .map((e) => e.spec as { reason: string; lastSeen: string; involvedObject: { name: string } })
      .find((e) => e.involvedObject.name === 'clocked' && e.reason === 'Provisioning');
    assert.equal(provisioning?.lastSeen, '2030-05-06T07:08:09.000Z');
  });
  it('does not count a report of another store epoch (a restored server) as reporting its revision', async () => {
    await create('restored');
    await w.controller.reconcile(ctx(), key('restored'));
    const revision = ((await status('restored')).desired as { revision: number }).revision;
    const epoch = await readStoreEpoch(w.s.database.handle.db);
    const report = (reportEpoch: string) => ({
      protocol: 1,
      agentVersion: '0.1.0',
      revision,
      epoch: reportEpoch,
      observedAt: new Date().toISOString(),
      health: 'Healthy',
      layers: ['ubuntu', 'kubernetes', 'sandbox-cni', 'sandbox-csi'].map((name) => ({
        profile: 'base',
        name,
        hash: 'h',
        state: 'Applied',
      })),
    });
    const post = (body: unknown) =>
      expectOk(w.s.call({ method: 'POST', url: '/v1/agent/status', key: w.provider.token!, body }));
    // The same number, but of the database the backup was taken from: not this server's revision.
    await post(report('3f0c1d2e-0000-4000-8000-000000000000'));
    await w.controller.reconcile(ctx(), key('restored'));
    assert.equal((await status('restored')).reportedRevision, undefined);
    assert.equal((await cond('restored', 'LayersApplied'))?.status, 'False');
    await post(report(epoch));
    await w.controller.reconcile(ctx(), key('restored'));
    assert.equal((await status('restored')).reportedRevision, revision);
    assert.equal((await cond('restored', 'LayersApplied'))?.status, 'True');
  });
});
