/**
 * Status is output only; a repave approval is user intent in spec: the whole story through the API and the Cluster
 * controller (scripted provider), and the audit log.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ClusterSpec, Resource } from '@strata/api';
import { PROJECT_URL as P, startClusterWorld, type ClusterWorld } from '../test/cluster-world.js';
import { createUserWithRole, expectOk } from '../test/harness.js';

describe('repave approval and the status rule', () => {
  let w: ClusterWorld;
  let editor: string;
  let updater: string;
  const url = `${P}/clusters/roll`;
  const get = async () => (await expectOk(w.s.call({ method: 'GET', url }))).body as unknown as Resource;
  const reconcile = () => w.controller.reconcile(w.ctx(), w.key('roll'));

  before(async () => {
    w = await startClusterWorld();
    editor = await createUserWithRole(w.s, { user: 'ed', role: 'project-editor', project: 'default' });
    // May change clusters, may not approve repaves.
    await expectOk(
      w.s.call({
        method: 'POST',
        url: '/v1/roles',
        body: {
          metadata: { name: 'cluster-updater' },
          spec: { permissions: ['cluster.get', 'cluster.update'] },
        },
      }),
    );
    updater = await createUserWithRole(w.s, { user: 'uma', role: 'cluster-updater', project: 'default' });
    await w.create('roll', {
      nodePools: [
        { name: 'cp', controlPlane: true, count: 1 },
        { name: 'workers', count: 2 },
      ],
    });
    await reconcile();
    w.provider.outdated.set('workers', 2).set('cp', 1);
    await reconcile();
  });
  after(async () => w?.close());

  it('the controller shows the repave waiting for approval, control plane first', async () => {
    const pending = (await w.status('roll')).pendingRepave;
    assert.deepEqual(pending?.pools, ['cp', 'workers']);
    assert.equal(pending?.approved, false);
    assert.match(pending?.id ?? '', /^[0-9a-f]{16}$/);
    assert.ok((await w.events('roll')).includes('RepavePending'));
  });

  it('refuses status writes from users, and ignores status in their updates and patches', async () => {
    const before = await w.status('roll');
    const forged = {
      ...before,
      pendingRepave: { ...before.pendingRepave!, approved: true, approvedBy: 'ed' },
    };
    for (const key of [undefined, editor]) {
      const res = await w.s.call({ method: 'PUT', url: `${url}/status`, key, body: { status: forged } });
      assert.equal(res.status, 403, res.text);
      assert.equal(res.body.code, 'STRATA_FORBIDDEN');
    }
    const current = await get();
    const put = await w.s.call({
      method: 'PUT',
      url,
      key: editor,
      body: { metadata: { name: 'roll' }, spec: current.spec, status: forged },
    });
    assert.equal(put.status, 200, put.text);
    const patch = await w.s.call({
      method: 'PATCH',
      url,
      key: editor,
      contentType: 'application/merge-patch+json',
      body: { status: { pendingRepave: { approved: true } } },
    });
    assert.equal(patch.status, 200, patch.text);
    assert.deepEqual(
      (await w.status('roll')).pendingRepave,
      before.pendingRepave,
      'status is as the platform wrote it',
    );
    await reconcile();
    assert.deepEqual(w.provider.repaved, [], 'nothing was approved');
  });

  it('a plain update cannot approve for someone without cluster.approve-repave', async () => {
    const { id } = (await w.status('roll')).pendingRepave!;
    const current = await get();
    const viaSpec = await w.s.call({
      method: 'PUT',
      url,
      key: updater,
      body: { metadata: { name: 'roll' }, spec: { ...current.spec, repaveApproval: { id } } },
    });
    assert.equal(viaSpec.status, 403, viaSpec.text);
    assert.match(String(viaSpec.body.detail), /approve-repave/);
    const viaAction = await w.s.call({ method: 'POST', url: `${url}/approve-repave`, key: updater });
    assert.equal(viaAction.status, 403);
    assert.equal((await get()).spec.repaveApproval, undefined);
  });

  it('approve-repave writes the approval to spec, as the caller, audited', async () => {
    const { id } = (await w.status('roll')).pendingRepave!;
    const res = await expectOk(w.s.call({ method: 'POST', url: `${url}/approve-repave`, key: editor }));
    const spec = res.body.spec as ClusterSpec;
    assert.deepEqual(spec.repaveApproval, { id, approvedBy: 'ed' });
    // Whoever writes the spec later cannot change who approved it.
    await expectOk(
      w.s.call({
        method: 'PUT',
        url,
        body: {
          metadata: { name: 'roll' },
          spec: { ...spec, repaveApproval: { id, approvedBy: 'mallory' } },
        },
      }),
    );
    assert.deepEqual((await get()).spec.repaveApproval, { id, approvedBy: 'ed' });
    const audit = await expectOk(w.s.call({ method: 'GET', url: `${P}/auditentries?limit=1000` }));
    const approvals = audit.body.items!.map(
      (i) => i.spec as { verb: string; actor: string; object: { name: string } },
    );
    assert.ok(
      approvals.some((a) => a.verb === 'update' && a.actor === 'ed' && a.object.name === 'roll'),
      JSON.stringify(approvals),
    );
    const again = await expectOk(w.s.call({ method: 'POST', url: `${url}/approve-repave`, key: editor }));
    assert.equal(
      (again.body as unknown as Resource).metadata.resourceVersion,
      (await get()).metadata.resourceVersion,
      'approving twice changes nothing',
    );
  });

  it('the controller reads the approval from spec: it shows the repave starting, then repaves, then forgets it', async () => {
    await reconcile();
    let st = await w.status('roll');
    assert.equal(st.phase, 'Updating');
    assert.equal(st.pendingRepave?.approved, true);
    assert.equal(st.pendingRepave?.approvedBy, 'ed');
    assert.deepEqual(w.provider.repaved, [], 'status says Updating before any node goes');
    await reconcile();
    assert.deepEqual(w.provider.repaved, ['cp', 'workers']);
    st = await w.status('roll');
    assert.equal(st.pendingRepave, undefined);
    const reasons = await w.events('roll');
    assert.ok(reasons.includes('RepaveStarted') && reasons.includes('RepaveCompleted'), reasons.join());

    // The approval was for that repave only: the next one waits again.
    w.provider.outdated.set('workers', 1);
    await reconcile();
    st = await w.status('roll');
    assert.equal(st.pendingRepave?.approved, false);
    assert.notEqual(st.pendingRepave?.id, ((await get()).spec as unknown as ClusterSpec).repaveApproval?.id);
  });

  it('409 when no repave is pending', async () => {
    w.provider.outdated.clear();
    await reconcile();
    const res = await w.s.call({ method: 'POST', url: `${url}/approve-repave`, key: editor });
    assert.equal(res.status, 409);
  });
});
