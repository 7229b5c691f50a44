/**
 * Phases that decide without the store: the infrastructure phase's answers, and the repave phase's (order, approval,
 * request identity, provider errors), each from a scope built by hand and the scripted provider.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterSpec, ClusterStatus, Resource } from '@strata/api';
import { transient, unsupported, type ProviderCluster } from '@strata/provider-sdk';
import { FakeClock } from '@strata/testing';
import { Result, type ReconcileContext } from '../../controller-runtime/index.js';
import { ready, ScriptedProvider } from '../../test/scripted-provider.js';
import type { ClusterControllerOptions } from './cluster-controller.js';
import { FAILED_RETRY_MS, infrastructurePhase, repavePhase } from './cluster-phases.js';
import type { ClusterScope } from './cluster-scope.js';

const ctx: ReconcileContext = {
  controller: 'cluster',
  signal: new AbortController().signal,
  clock: new FakeClock(0),
  attempt: 1,
};
const options = { progressMs: 1234 } as ClusterControllerOptions;

function world(o: {
  outdated?: Record<string, number>;
  before?: ClusterStatus;
  spec?: Partial<ClusterSpec>;
  generation?: number;
  osImage?: string;
}) {
  const provider = new ScriptedProvider();
  for (const [pool, n] of Object.entries(o.outdated ?? {})) provider.outdated.set(pool, n);
  const spec = {
    provider: 'scripted',
    nodePools: [
      { name: 'workers', count: 2 },
      { name: 'cp', controlPlane: true, count: 1 },
    ],
    ...o.spec,
  };
  const target: ProviderCluster = {
    name: 'c-1',
    spec,
    kubernetesVersion: 'v1.36.3',
    osImage: o.osImage ?? 'ubuntu@24.04.1#abc',
  };
  const before = o.before ?? {};
  const cluster = {
    metadata: { name: 'c', uid: 'uid-1', generation: o.generation ?? 4, tenant: 't', project: 'p' },
    spec,
    status: before,
  } as unknown as Resource;
  const scope: ClusterScope = {
    cluster,
    before,
    now: new Date(0),
    attempt: 1,
    events: [],
    spec,
    provider,
    target,
    progress: ready(target, provider.outdated),
    desired: { revision: 1, stackHash: 'h', updatesAvailable: [] },
  };
  return { provider, scope };
}

const repave = (scope: ClusterScope) => repavePhase(options).run(ctx, scope);

describe('repave phase', () => {
  it('nothing outdated: no repave', async () => {
    const { scope } = world({});
    assert.deepEqual(await repave(scope), Result.done());
    assert.deepEqual(scope.repave, { state: 'None' });
  });

  it('outdated pools wait for approval, control plane first, with a request id and a reason', async () => {
    const { scope, provider } = world({ outdated: { workers: 2, cp: 1 } });
    assert.deepEqual(await repave(scope), Result.done());
    assert.equal(scope.repave?.state, 'Waiting');
    if (scope.repave?.state !== 'Waiting') return;
    assert.deepEqual(scope.repave.pools, ['cp', 'workers']);
    assert.match(scope.repave.id, /^[0-9a-f]{16}$/);
    assert.equal(scope.repave.reason, 'machine image changed (ubuntu@24.04.1#abc)');
    assert.deepEqual(provider.repaved, []);
  });

  it('names a Kubernetes version change as the reason', async () => {
    const { scope } = world({ outdated: { cp: 1 }, before: { kubernetesVersion: 'v1.35.0' } });
    await repave(scope);
    assert.equal(scope.repave?.state === 'Waiting' && scope.repave.reason, 'Kubernetes v1.35.0 → v1.36.3');
  });

  it('keeps the id of the request shown while the target stays, and asks anew for another target', async () => {
    const first = world({ outdated: { cp: 1 }, generation: 4 });
    await repave(first.scope);
    const shown = first.scope.repave?.state === 'Waiting' ? first.scope.repave : undefined;
    const pendingRepave = { ...shown!, pools: [...shown!.pools], approved: false };
    const later = world({ outdated: { cp: 1 }, generation: 5, before: { pendingRepave } });
    await repave(later.scope);
    assert.equal(later.scope.repave?.state === 'Waiting' && later.scope.repave.id, shown!.id);
    const other = world({
      outdated: { cp: 1 },
      generation: 5,
      before: { pendingRepave },
      osImage: 'ubuntu@22#x',
    });
    await repave(other.scope);
    assert.notEqual(other.scope.repave?.state === 'Waiting' && other.scope.repave.id, shown!.id);
  });

  it('an approval of another request approves nothing', async () => {
    const { scope } = world({ outdated: { cp: 1 }, spec: { repaveApproval: { id: 'ffffffffffffffff' } } });
    await repave(scope);
    assert.equal(scope.repave?.state, 'Waiting');
  });

  it('an approval naming the request: first shows it starting, then repaves, then it is done', async () => {
    const waiting = world({ outdated: { workers: 1, cp: 1 } });
    await repave(waiting.scope);
    const request = waiting.scope.repave?.state === 'Waiting' ? waiting.scope.repave : undefined;
    const approval = { id: request!.id, approvedBy: 'ana' };
    const pendingRepave = { ...request!, pools: [...request!.pools], approved: false };

    const starting = world({
      outdated: { workers: 1, cp: 1 },
      before: { pendingRepave },
      spec: { repaveApproval: approval },
    });
    assert.deepEqual(await repave(starting.scope), Result.requeueAfter(0));
    assert.equal(starting.scope.repave?.state, 'Starting');
    assert.equal(starting.scope.repave?.state === 'Starting' && starting.scope.repave.approvedBy, 'ana');
    assert.deepEqual(starting.provider.repaved, [], 'no node goes before status says so');

    const rolling = world({
      outdated: { workers: 1, cp: 1 },
      before: { pendingRepave: { ...pendingRepave, approved: true } },
      spec: { repaveApproval: approval },
    });
    assert.deepEqual(await repave(rolling.scope), Result.requeueAfter(0));
    assert.deepEqual(rolling.provider.repaved, ['cp', 'workers']);
    assert.equal(rolling.scope.repave?.state, 'Done');
    assert.deepEqual(
      rolling.scope.events.map((e) => e.reason),
      ['RepaveCompleted'],
    );
  });

  it('policy.repave automatic needs no approval', async () => {
    const { scope } = world({ outdated: { cp: 1 }, spec: { policy: { repave: 'automatic' } } });
    assert.deepEqual(await repave(scope), Result.requeueAfter(0));
    assert.equal(scope.repave?.state, 'Starting');
  });

  it('a failed repave: transient errors are thrown (backoff), terminal ones wait; both set NodePoolsReady', async () => {
    const automatic = { outdated: { cp: 1 }, spec: { policy: { repave: 'automatic' as const } } };
    for (const [err, terminal] of [
      [transient('the cloud is busy'), false],
      [unsupported('this pool cannot be repaved'), true],
    ] as const) {
      // The pass that shows the repave starting, then the one that runs it.
      const starting = world(automatic);
      await repave(starting.scope);
      const request = starting.scope.repave?.state === 'Starting' ? starting.scope.repave : undefined;
      const pendingRepave = { ...request!, pools: [...request!.pools], approved: true };
      const rolling = world({ ...automatic, before: { pendingRepave } });
      rolling.provider.repavePool = () => Promise.reject(err);
      if (terminal) {
        assert.deepEqual(await repave(rolling.scope), Result.requeueAfter(FAILED_RETRY_MS));
      } else {
        await assert.rejects(repave(rolling.scope), /busy/);
      }
      assert.deepEqual(rolling.scope.providerFailure, {
        condition: 'NodePoolsReady',
        terminal,
        message: err.message,
      });
      assert.equal(rolling.scope.repave?.state, 'Starting', 'still shown as starting');
    }
  });
});

describe('infrastructure phase', () => {
  it('not ready yet is a requeue, not an error; ready is done', async () => {
    const { scope, provider } = world({});
    provider.next.push({ ...ready(scope.target!), infrastructureReady: false, message: 'creating network' });
    assert.deepEqual(await infrastructurePhase(options).run(ctx, scope), Result.requeueAfter(1234));
    assert.equal(scope.progress?.message, 'creating network');
    assert.deepEqual(await infrastructurePhase(options).run(ctx, scope), Result.done());
  });

  it('terminal errors wait a minute, transient ones are thrown; both are recorded', async () => {
    const terminal = world({});
    terminal.provider.next.push(unsupported('no v1.99'));
    assert.deepEqual(
      await infrastructurePhase(options).run(ctx, terminal.scope),
      Result.requeueAfter(FAILED_RETRY_MS),
    );
    assert.deepEqual(terminal.scope.providerFailure, {
      condition: 'InfrastructureReady',
      terminal: true,
      message: 'no v1.99',
    });
    const flaky = world({});
    flaky.provider.next.push(transient('timeout'));
    await assert.rejects(infrastructurePhase(options).run(ctx, flaky.scope), /timeout/);
    assert.equal(flaky.scope.providerFailure?.terminal, false);
  });

  it('does nothing without a resolved target', async () => {
    const { scope, provider } = world({});
    delete scope.target;
    assert.deepEqual(await infrastructurePhase(options).run(ctx, scope), Result.done());
    assert.equal(provider.ensureCalls, 0);
  });
});
