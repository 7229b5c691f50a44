/**
 * The Rollout controller on a real store (SQLite and PostgreSQL), stepping a fake clock: clusters reach Running
 * through the real Cluster controller and agent reports through the real agent protocol (scripted provider).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { listAll } from '@strata/store';
import { testBackends } from '@strata/testing';
import { PROJECT_URL as P, SANDBOX_INFRA_LAYERS } from '../../test/cluster-world.js';
import { startFleetWorld, type FleetWorld } from '../../test/fleet-world.js';
import { expectOk } from '../../test/harness.js';
import { RolloutController } from './rollout-controller.js';

const PROD = ['p1', 'p2', 'p3', 'p4', 'p5'];

for (const backend of await testBackends()) {
  describe(`rollout controller on ${backend.name}`, () => {
    let w: FleetWorld;
    before(async () => {
      w = await startFleetWorld(backend);
      for (const name of PROD) await w.running(name, { env: 'prod' });
      await w.running('p6', { env: 'prod' }, { paused: true });
      await w.running('d1', { env: 'dev' });
    });
    after(async () => w?.close());

    const create = (name: string, spec: Record<string, unknown>) =>
      w.s.call({ method: 'POST', url: `${P}/rollouts`, body: { metadata: { name }, spec } });
    const patch = (name: string, spec: Record<string, unknown>) =>
      expectOk(w.s.call({ method: 'PATCH', url: `${P}/rollouts/${name}`, body: { spec } }));
    const versions = async (names: readonly string[]) => Promise.all(names.map((n) => w.version(n)));
    const events = async (name: string) =>
      ((await w.s.call({ method: 'GET', url: `${P}/events?limit=1000` })).body.items ?? [])
        .map((e) => e.spec as { reason: string; involvedObject: { kind: string; name: string } })
        .filter((e) => e.involvedObject.kind === 'Rollout' && e.involvedObject.name === name)
        .map((e) => e.reason);
    const stateOf = (st: { clusters?: { name: string; state: string }[] }, name: string) =>
      st.clusters?.find((c) => c.name === name)?.state;

    it('changes a canary, then two batches, each only after the one before passed its health gate', async () => {
      await expectOk(
        create('to-1-1', {
          target: { selector: 'env=prod' },
          change: { profile: { name: 'base', version: '1.1.0' } },
          strategy: { canary: { count: 1 }, batchSize: 2 },
        }),
      );
      let st = await w.step('to-1-1');
      assert.equal(st.phase, 'Progressing');
      assert.deepEqual(
        st.batches?.map((b) => [b.name, b.clusters, b.state]),
        [
          ['canary', 1, 'Waiting'],
          ['batch-1', 2, 'Waiting'],
          ['batch-2', 2, 'Waiting'],
        ],
      );
      const p6 = st.clusters?.find((c) => c.name === 'p6');
      assert.equal(p6?.state, 'Skipped');
      assert.equal(p6?.reason, 'Paused', 'a paused cluster is reported, not silently left out');
      assert.equal(
        st.clusters?.some((c) => c.name === 'd1'),
        false,
        'the selector decides who is in',
      );
      assert.deepEqual(
        await versions(PROD),
        ['1.0.0', '1.0.0', '1.0.0', '1.0.0', '1.0.0'],
        'nothing changed yet',
      );

      st = await w.step('to-1-1');
      assert.equal(st.batches?.[0]?.state, 'Running');
      assert.deepEqual(
        await versions(PROD),
        ['1.1.0', '1.0.0', '1.0.0', '1.0.0', '1.0.0'],
        'the canary alone',
      );
      st = await w.step('to-1-1');
      assert.equal(stateOf(st, 'p1'), 'Updating', 'the gate waits for the cluster to apply the change');
      assert.equal(st.batches?.[1]?.state, 'Waiting');

      await w.settle(['p1']);
      st = await w.step('to-1-1');
      assert.equal(stateOf(st, 'p1'), 'Succeeded');
      assert.equal(st.batches?.[0]?.state, 'Succeeded');
      st = await w.step('to-1-1');
      assert.equal(st.batches?.[1]?.state, 'Running');
      assert.deepEqual(await versions(PROD), ['1.1.0', '1.1.0', '1.1.0', '1.0.0', '1.0.0']);
      await w.settle(['p2', 'p3']);
      await w.step('to-1-1');
      st = await w.step('to-1-1');
      assert.equal(st.batches?.[2]?.state, 'Running');
      await w.settle(['p4', 'p5']);
      st = await w.step('to-1-1');
      assert.equal(st.phase, 'Succeeded');
      assert.deepEqual(await versions(PROD), ['1.1.0', '1.1.0', '1.1.0', '1.1.0', '1.1.0']);
      assert.equal(await w.version('p6'), '1.0.0');
      assert.equal(await w.version('d1'), '1.0.0');
      const reasons = await events('to-1-1');
      for (const r of ['Started', 'BatchStarted', 'BatchSucceeded', 'Succeeded'])
        assert.ok(reasons.includes(r), r);
      const audit = await listAll(w.s.store, { tenant: 'default', projects: '*' }, { kind: 'AuditEntry' });
      const writes = audit
        .map((a) => a.spec as { actor?: string; verb?: string; object?: { kind?: string; name?: string } })
        .filter(
          (a) =>
            a.object?.kind === 'Cluster' && a.verb === 'update' && a.actor === 'system:rollout-controller',
        );
      assert.equal(writes.length, 5, 'each cluster written once, by the rollout, audited');
    });

    it('halts at the canary when the new version breaks it, with the reason; rollback restores what was there', async () => {
      await expectOk(
        create('to-1-2', {
          target: { selector: 'env=prod' },
          change: { profile: { name: 'base', version: '1.2.0' } },
          strategy: { canary: { clusters: ['p3'] }, batchSize: '50%' },
        }),
      );
      await w.step('to-1-2');
      let st = await w.step('to-1-2');
      assert.equal(await w.version('p3'), '1.2.0');
      await w.settle(['p3'], ['extras']);
      st = await w.step('to-1-2');
      assert.equal(st.phase, 'Halted');
      const p3 = st.clusters?.find((c) => c.name === 'p3');
      assert.equal(p3?.state, 'Failed');
      assert.equal(p3?.reason, 'LayerFailed');
      assert.match(p3?.message ?? '', /extras failed: namespaces "extras" is forbidden/);
      assert.match(st.message ?? '', /p3: LayerFailed/);
      st = await w.step('to-1-2');
      assert.equal(st.batches?.[1]?.state, 'Waiting', 'no batch starts after a halt');
      assert.deepEqual(await versions(['p1', 'p2', 'p4', 'p5']), ['1.1.0', '1.1.0', '1.1.0', '1.1.0']);
      assert.ok((await events('to-1-2')).includes('Halted'));

      await patch('to-1-2', { rollback: true });
      st = await w.step('to-1-2');
      assert.equal(st.phase, 'RollingBack');
      assert.equal(await w.version('p3'), '1.1.0', 'the previous version is back in the spec');
      await w.settle(['p3']);
      st = await w.step('to-1-2');
      assert.equal(st.phase, 'RolledBack');
      assert.equal(stateOf(st, 'p3'), 'RolledBack');
      assert.ok((await events('to-1-2')).includes('RolledBack'));
      const undo = await w.s.call({
        method: 'PATCH',
        url: `${P}/rollouts/to-1-2`,
        body: { spec: { rollback: false } },
      });
      assert.equal(undo.status, 409, 'a rollback cannot be undone');
    });

    it('fails a cluster that does not pass the gate in time (fake clock), and abort leaves the rest alone', async () => {
      await expectOk(
        create('slow', {
          target: { selector: 'env=prod' },
          change: { policy: { drift: 'report' } },
          strategy: { batchSize: 2, healthGate: { timeoutSeconds: 300 }, maxFailures: 1 },
        }),
      );
      await w.step('slow');
      let st = await w.step('slow');
      assert.deepEqual(
        st.clusters?.filter((c) => c.state === 'Updating').map((c) => c.name),
        ['p1', 'p2'],
      );
      // p1 applies the change; p2's Cluster controller never gets to it.
      await w.settle(['p1']);
      await w.clock.advance(299_000);
      st = await w.step('slow');
      assert.equal(stateOf(st, 'p2'), 'Updating', 'not yet: the timeout has not passed');
      await w.clock.advance(2_000);
      st = await w.step('slow');
      const p2 = st.clusters?.find((c) => c.name === 'p2');
      assert.equal(p2?.state, 'Failed');
      assert.equal(p2?.reason, 'GateTimeout');
      assert.equal(st.phase, 'Progressing', 'one failure is within maxFailures: 1');
      st = await w.step('slow');
      assert.equal(st.batches?.[1]?.state, 'Running', 'the next batch starts');
      await patch('slow', { aborted: true });
      st = await w.step('slow');
      assert.equal(st.phase, 'Aborted');
      assert.equal(stateOf(st, 'p5'), 'Waiting');
      const p5 = (await w.s.call({ method: 'GET', url: `${P}/clusters/p5` })).body.spec as {
        policy?: { drift?: string };
      };
      assert.notEqual(p5.policy?.drift, 'report', 'an aborted rollout changes nothing more');
      await w.settle(['p2', 'p3', 'p4']);
    });

    it('holds the next batch while paused and for pauseSeconds, then resumes', async () => {
      await expectOk(
        create('calm', {
          target: { selector: 'env=prod' },
          change: { policy: { repave: 'automatic' } },
          strategy: {
            batchSize: 3,
            pauseSeconds: 600,
            healthGate: { checks: ['Running', 'AgentConnected'] },
          },
        }),
      );
      await w.step('calm');
      await w.step('calm');
      await w.settle(['p1', 'p2', 'p3']);
      let st = await w.step('calm');
      assert.equal(st.batches?.[0]?.state, 'Succeeded');
      st = await w.step('calm');
      assert.equal(st.batches?.[1]?.state, 'Waiting', 'the pause between batches');
      assert.match(st.message ?? '', /pause between batches/);
      await w.clock.advance(600_000);
      await patch('calm', { paused: true });
      st = await w.step('calm');
      assert.equal(st.phase, 'Paused');
      assert.equal(st.batches?.[1]?.state, 'Waiting', 'paused: nothing starts');
      await patch('calm', { paused: false });
      st = await w.step('calm');
      assert.equal(st.batches?.[1]?.state, 'Running');
      await w.settle(['p4', 'p5']);
      st = await w.step('calm');
      assert.equal(st.phase, 'Succeeded');
      const reasons = await events('calm');
      assert.ok(reasons.includes('Paused') && reasons.includes('Progressing'), reasons.join());
    });

    it('does not write a cluster twice when the pass that wrote it died before recording it', async () => {
      await expectOk(
        create('crash', {
          target: { selector: 'env=prod' },
          change: { policy: { drift: 'remediate' } },
          strategy: { batchSize: 5, maxFailures: 5 },
        }),
      );
      await w.step('crash');
      const generations = async () =>
        Promise.all(
          PROD.map(
            async (n) =>
              (await w.s.store.get({ tenant: 'default', projects: '*' }, w.key(n)))!.metadata.generation,
          ),
        );
      const beforeGen = await generations();
      // The status write of the pass that writes the batch fails: as if the server died right after the clusters.
      const dying = new Proxy(w.s.store, {
        get(target, prop, receiver) {
          if (prop === 'updateStatus') return () => Promise.reject(new Error('killed'));
          const v = Reflect.get(target, prop, receiver) as unknown;
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      });
      const victim = new RolloutController({ store: dying, service: w.s.service });
      const key = { kind: 'Rollout', tenant: 'default', project: 'default', name: 'crash' };
      await assert.rejects(victim.reconcile(w.ctx(1, w.clock), key), /killed/);
      const written = await generations();
      assert.ok(
        written.every((g, i) => g === beforeGen[i]! + 1),
        'the batch was written',
      );
      const st = await w.step('crash');
      assert.equal(st.batches?.[0]?.state, 'Running');
      assert.deepEqual(await generations(), written, 'the next pass found them written and wrote nothing');
      await w.settle(PROD);
      assert.equal((await w.step('crash')).phase, 'Succeeded');
    });

    it('a tenant rollout changes clusters across projects', async () => {
      await expectOk(
        w.s.call({ method: 'POST', url: '/v1/projects', body: { metadata: { name: 'shop' }, spec: {} } }),
      );
      // A tenant-wide profile (another project's cannot be attached).
      await expectOk(
        w.s.call({
          method: 'POST',
          url: '/v1/clusterprofiles',
          body: {
            metadata: { name: 'shared' },
            spec: { type: 'full', version: '1.0.0', layers: SANDBOX_INFRA_LAYERS },
          },
        }),
      );
      await expectOk(w.s.call({ method: 'POST', url: '/v1/clusterprofiles/shared/versions/1.0.0/publish' }));
      await expectOk(
        w.s.call({
          method: 'POST',
          url: '/v1/projects/shop/clusters',
          body: {
            metadata: { name: 's1', labels: { tier: 'edge' } },
            spec: {
              provider: 'scripted',
              nodePools: [{ name: 'cp', controlPlane: true, count: 1 }],
              profiles: [{ name: 'shared', version: '1.0.0' }],
            },
          },
        }),
      );
      await expectOk(
        w.s.call({
          method: 'PATCH',
          url: `${P}/clusters/d1`,
          body: { metadata: { labels: { env: 'dev', tier: 'edge' } } },
        }),
      );
      await expectOk(
        w.s.call({
          method: 'POST',
          url: '/v1/rollouts',
          body: {
            metadata: { name: 'edge' },
            spec: {
              target: { selector: 'tier=edge' },
              change: { policy: { drift: 'report' } },
              strategy: { batchSize: 2 },
            },
          },
        }),
      );
      await w.step('edge', '');
      const st = await w.step('edge', '');
      assert.deepEqual(
        st.clusters?.map((c) => [c.project, c.name, c.state]),
        [
          ['default', 'd1', 'Updating'],
          ['shop', 's1', 'Updating'],
        ],
      );
      const drift = async (url: string) =>
        ((await w.s.call({ method: 'GET', url })).body.spec as { policy?: { drift?: string } }).policy?.drift;
      assert.equal(await drift(`${P}/clusters/d1`), 'report');
      assert.equal(await drift('/v1/projects/shop/clusters/s1'), 'report');
      await expectOk(
        w.s.call({ method: 'PATCH', url: '/v1/rollouts/edge', body: { spec: { aborted: true } } }),
      );
      assert.equal((await w.step('edge', '')).phase, 'Aborted');
    });

    it('refuses bad input: overlapping rollouts, empty or matchless selectors, missing versions, a fixed change', async () => {
      await expectOk(
        create('hold', {
          target: { selector: 'env=prod' },
          change: { profile: { name: 'base', version: '1.0.0' } },
          paused: true,
        }),
      );
      const overlap = await create('other', {
        target: { selector: 'env in (prod,dev)' },
        change: { policy: { drift: 'report' } },
      });
      assert.equal(overlap.status, 409);
      assert.match(overlap.text, /rollout \\"default\/hold\\"/);
      const cases: [Record<string, unknown>, string][] = [
        [{ target: { selector: '' }, change: { policy: { drift: 'report' } } }, '/spec/target/selector'],
        [{ target: { selector: 'env=nowhere' }, change: { policy: { drift: 'report' } } }, '/spec/target'],
        [{ target: {}, change: { policy: { drift: 'report' } } }, '/spec/target'],
        [{ target: { group: 'nope' }, change: { policy: { drift: 'report' } } }, '/spec/target/group'],
        [{ target: { selector: 'env=dev' }, change: {} }, '/spec/change'],
        [
          { target: { selector: 'env=dev' }, change: { profile: { name: 'base', version: '9.9.9' } } },
          '/spec/change/profile/version',
        ],
        [
          { target: { selector: 'env=dev' }, change: { policy: {} }, strategy: { batchSize: '150%' } },
          '/spec/strategy/batchSize',
        ],
      ];
      for (const [spec, path] of cases) {
        const res = await create('bad', spec);
        assert.equal(res.status, 422, `${JSON.stringify(spec)}: ${res.text}`);
        assert.ok(res.text.includes(path), `${path} in ${res.text}`);
      }
      assert.equal(
        (await w.s.call({ method: 'GET', url: `${P}/rollouts/bad` })).status,
        404,
        'nothing stored',
      );
      const changed = await w.s.call({
        method: 'PATCH',
        url: `${P}/rollouts/hold`,
        body: { spec: { change: { profile: { name: 'base', version: '1.2.0' } } } },
      });
      assert.equal(changed.status, 422);
      assert.match(changed.text, /cannot change once created/);
      await patch('hold', { aborted: true });
      assert.equal((await w.step('hold')).phase, 'Aborted');
      assert.equal(
        (
          await create('other', {
            target: { selector: 'env=prod' },
            change: { policy: { drift: 'report' } },
            paused: true,
          })
        ).status,
        201,
        'an aborted rollout holds nothing',
      );
    });

    it('of two rollouts created at once over the same clusters, the older gets them and the younger reports it', async () => {
      await patch('other', { aborted: true });
      const spec = {
        target: { selector: 'env=prod' },
        change: { policy: { drift: 'report' } },
        paused: true,
      };
      await expectOk(create('older', spec));
      // The younger one got past the conflict check at the same moment (another replica): stored as it would be.
      await w.s.store.create(
        { tenant: 'default', projects: '*' },
        {
          key: { kind: 'Rollout', tenant: 'default', project: 'default', name: 'younger' },
          labels: {},
          annotations: {},
          finalizers: [],
          spec,
        },
        { name: 'test' },
      );
      const young = await w.step('younger');
      assert.deepEqual(
        [...new Set(young.clusters?.map((c) => `${c.state} ${c.reason} ${c.message}`))],
        ['Skipped InOtherRollout in rollout "default/older"'],
      );
      const old = await w.step('older');
      assert.equal(
        old.clusters?.filter((c) => c.state === 'Waiting').length,
        5,
        'the older takes every cluster',
      );
    });
  });
}
