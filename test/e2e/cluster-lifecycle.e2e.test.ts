/**
 * Issue 5 must-shows on real sandbox clusters driven by a real `strata server` process and its agents:
 * apply → Running with every condition True → kubeconfig works → scale up and down → a Kubernetes version that
 * is not built is refused → an OS layer change plans a repave that waits for approval → approval rolls the pools →
 * delete → gone, with no process left.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { requireSandboxBinaries } from '@strata/testing';
import { api, type Api } from './support/api.js';
import {
  PROJECT,
  clusterBody,
  publishProfile,
  running,
  sandboxProfile,
  waitForCluster,
} from './support/clusters.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';
import { clients, eventually, processesMentioning } from './sandbox-support.js';

await requireSandboxBinaries();

describe('cluster lifecycle through the API (sandbox provider, real agent)', () => {
  let server: ServerProcess;
  let a: Api;
  let dataDir: string;
  const name = 'shop';
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'strata-lifecycle-'));
    server = await startServerProcess({ dataDir, logFile: join(dataDir, 'server.log') });
    a = api(server.url, server.adminKey);
    await publishProfile(a, sandboxProfile('1.0.0'));
    await publishProfile(a, sandboxProfile('1.1.0', '22.04.5'));
  });
  after(async () => {
    await server?.stop();
    const left = await processesMentioning(dataDir);
    for (const pid of left) process.kill(pid, 'SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('applies a cluster with a full profile and reaches Running with every condition True', async () => {
    const started = Date.now();
    await a.ok('POST', `${PROJECT}/clusters`, clusterBody(name, 3));
    const c = await waitForCluster(a, name, 'Running with all conditions True', running, 180_000);
    assert.equal(c?.status.layers?.length, 5);
    assert.ok(c?.status.layers?.every((l) => l.state === 'Applied'));
    assert.deepEqual(
      c?.status.nodePools?.map((p) => [p.name, p.ready]),
      [
        ['cp', 1],
        ['workers', 3],
      ],
    );
    assert.ok(c?.status.desired?.revision && c.status.reportedRevision === c.status.desired.revision);
    assert.deepEqual(c?.status.updatesAvailable, [{ profile: 'base', from: '1.0.0', to: '1.1.0' }]);
    console.log(`apply → Running: ${Date.now() - started} ms`);
  });

  it('hands out a working admin kubeconfig, audited', async () => {
    const res = await a.call('POST', `${PROJECT}/clusters/${name}/kubeconfig`);
    assert.equal(res.status, 200);
    const { core } = clients(res.text);
    const nodes = (await core.listNode()).items;
    assert.equal(nodes.length, 4);
    const ns = await core.readNamespace({ name: 'web-apps' });
    assert.equal(
      ns.metadata?.labels?.['app.kubernetes.io/managed-by'],
      'strata',
      'the agent applied the layer',
    );
    const audit = await a.ok('GET', `${PROJECT}/auditentries?limit=1000`);
    const entries =
      (audit.items as { spec: { verb: string; detail?: string; object: { name: string } } }[]) ?? [];
    assert.ok(
      entries.some(
        (e) =>
          e.spec.verb === 'access' && e.spec.detail === 'admin kubeconfig' && e.spec.object.name === name,
      ),
      'the kubeconfig read is audited',
    );
  });

  it('scales a pool up and down', async () => {
    const kubeconfig = (await a.call('POST', `${PROJECT}/clusters/${name}/kubeconfig`)).text;
    const { core } = clients(kubeconfig);
    const workers = async () =>
      (await core.listNode({ labelSelector: 'strata.dev/node-pool=workers' })).items.length;
    await a.ok('POST', `${PROJECT}/clusters/${name}/scale`, { pool: 'workers', count: 5 });
    await waitForCluster(
      a,
      name,
      '5 workers',
      (c) => running(c) && c?.status.nodePools?.find((p) => p.name === 'workers')?.ready === 5,
    );
    assert.equal(await workers(), 5);
    await a.ok('POST', `${PROJECT}/clusters/${name}/scale`, { pool: 'workers', count: 2 });
    await waitForCluster(
      a,
      name,
      '2 workers',
      (c) => running(c) && c?.status.nodePools?.find((p) => p.name === 'workers')?.desired === 2,
    );
    await eventually(async () => assert.equal(await workers(), 2));
  });

  it('refuses a Kubernetes version whose binaries are not built, in the plan and on apply', async () => {
    const body = clusterBody(name, 2);
    (body.spec as Record<string, unknown>).kubernetesVersion = 'v1.37.0';
    const plan = await a.call('POST', `${PROJECT}/clusters/${name}/plan`, body);
    assert.equal(plan.status, 422);
    assert.match(plan.text, /v1\.37\.0 is unavailable on the sandbox provider; built versions: v1\.36\.3/);
    const put = await a.call('PUT', `${PROJECT}/clusters/${name}`, body);
    assert.equal(put.status, 422);
  });

  it('plans an OS change as a repave, waits for approval, and rolls the pools once approved', async () => {
    const kubeconfig = (await a.call('POST', `${PROJECT}/clusters/${name}/kubeconfig`)).text;
    const { core } = clients(kubeconfig);
    // Sandbox repaves keep member names (<pool>-<i>) and replace the Node objects: compare uids.
    const nodeUids = async () => (await core.listNode()).items.map((n) => n.metadata!.uid!).sort();
    const before = await nodeUids();

    const upgrade = await a.ok('POST', `${PROJECT}/clusters/${name}/upgrade`, {
      profile: 'base',
      version: '1.1.0',
    });
    const plan = upgrade.plan as { repave: string[]; approvalRequired: boolean };
    assert.deepEqual(plan.repave, ['cp', 'workers']);
    assert.equal(plan.approvalRequired, true);

    const waiting = await waitForCluster(
      a,
      name,
      'a pending repave',
      (c) => c?.status.pendingRepave !== undefined,
    );
    assert.deepEqual(waiting?.status.pendingRepave?.pools, ['cp', 'workers']);
    assert.equal(waiting?.status.pendingRepave?.approved, false);
    await new Promise((r) => setTimeout(r, 3000));
    assert.deepEqual(await nodeUids(), before, 'nothing is replaced before approval');

    // Status is output only: a user cannot approve by writing it.
    const forged = {
      ...waiting.status,
      pendingRepave: { ...waiting.status.pendingRepave, approved: true },
    };
    const refused = await a.call('PUT', `${PROJECT}/clusters/${name}/status`, { status: forged });
    assert.equal(refused.status, 403);
    // The approval is spec, written through the normal (audited) write path.
    const approved = await a.ok('POST', `${PROJECT}/clusters/${name}/approve-repave`);
    const approval = (approved.spec as { repaveApproval?: { id: string; approvedBy?: string } })
      .repaveApproval;
    assert.equal(approval?.id, waiting?.status.pendingRepave?.id);
    assert.ok(approval?.approvedBy, 'who approved is recorded');
    const audit = await a.ok('GET', `${PROJECT}/auditentries?limit=1000`);
    const entries = (
      audit.items as { spec: { verb: string; actor: string; object: { name: string } } }[]
    ).map((e) => e.spec);
    assert.ok(
      entries.some((e) => e.verb === 'update' && e.object.name === name && e.actor === approval?.approvedBy),
      'the approval is in the audit log',
    );
    await waitForCluster(
      a,
      name,
      'the repave to finish',
      (c) => running(c) && c?.status.pendingRepave === undefined,
      180_000,
    );
    const afterUids = await nodeUids();
    assert.equal(afterUids.length, before.length);
    assert.equal(afterUids.filter((n) => before.includes(n)).length, 0, 'every node was replaced');
    const events = await a.ok('GET', `${PROJECT}/clusters/${name}/events`);
    const reasons = (events.items as { spec: { reason: string } }[]).map((e) => e.spec.reason);
    for (const r of ['RepavePending', 'RepaveStarted', 'RepaveCompleted', 'Running'])
      assert.ok(reasons.includes(r), r);
  });

  it('deletes the cluster: Deleting → gone, with no process left', async () => {
    const c = await waitForCluster(a, name, 'infrastructure name', (x) =>
      Boolean(x?.status.infrastructureName),
    );
    const stateDir = join(dataDir, 'sandbox', c!.status.infrastructureName!);
    assert.ok((await processesMentioning(stateDir)).length >= 5, 'control plane and agent run before');
    await a.ok('DELETE', `${PROJECT}/clusters/${name}`);
    await waitForCluster(a, name, 'the cluster to disappear', (x) => x === undefined, 120_000);
    assert.deepEqual(await processesMentioning(stateDir), [], 'no process of the cluster is left');
  });
});
