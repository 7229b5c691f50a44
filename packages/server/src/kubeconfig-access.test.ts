import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { testBackends } from '@strata/testing';
import { BUILTIN_ROLES } from './auth/builtin-roles.js';
import { ensureBuiltinRoles } from './auth/bootstrap.js';
import { createUserWithRole, expectOk, startTestServer, type TestServer } from './test/harness.js';

const URL = '/v1/projects/default/clusters/edge/kubeconfig';
const KUBECONFIG = JSON.stringify({
  apiVersion: 'v1',
  kind: 'Config',
  clusters: [{ name: 'imported', cluster: { server: 'https://127.0.0.1:6443' } }],
  users: [{ name: 'imported', user: { token: 'edge-token' } }],
  contexts: [{ name: 'imported', context: { cluster: 'imported', user: 'imported' } }],
  'current-context': 'imported',
});

for (const backend of await testBackends()) {
  describe(`reading a cluster's admin kubeconfig on ${backend.name}`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(backend);
      const created = await expectOk(
        s.call({
          method: 'POST',
          url: '/v1/projects/default/clusters',
          body: {
            metadata: { name: 'edge' },
            spec: { provider: 'imported', nodePools: [], import: { mode: 'read-only', connect: 'manifest' } },
          },
        }),
      );
      // What the import controller records for a connected cluster, and the kubeconfig the provider keeps.
      const key = { kind: 'Cluster', tenant: 'default', project: 'default', name: 'edge' };
      await s.store.updateStatus(
        { tenant: 'default', projects: '*' },
        {
          key,
          status: {
            ...(created.body.status as object),
            endpoint: 'https://127.0.0.1:6443',
            infrastructureName: 'edge-x',
          },
        },
      );
      await mkdir(join(s.dataDir, 'imported', 'edge-x'), { recursive: true });
      await writeFile(join(s.dataDir, 'imported', 'edge-x', 'kubeconfig'), KUBECONFIG);
    });
    after(async () => s?.close());

    it('finding 15: a project editor cannot read it; project and tenant admins can, and every read is audited', async () => {
      const editor = await createUserWithRole(s, { user: 'ed', role: 'project-editor', project: 'default' });
      for (const method of ['GET', 'POST'] as const) {
        const denied = await s.call({ method, url: URL, key: editor });
        assert.equal(denied.status, 403, denied.text);
        assert.match(String(denied.body.detail), /cluster\.kubeconfig/);
      }
      const projectAdmin = await createUserWithRole(s, {
        user: 'pam',
        role: 'project-admin',
        project: 'default',
      });
      const tenantAdmin = await createUserWithRole(s, { user: 'tia', role: 'tenant-admin' });
      for (const key of [projectAdmin, tenantAdmin]) {
        const res = await s.call({ method: 'GET', url: URL, key });
        assert.equal(res.status, 200, res.text);
        assert.deepEqual(JSON.parse(res.text), JSON.parse(KUBECONFIG));
      }
      const audit = await expectOk(
        s.call({ method: 'GET', url: '/v1/projects/default/auditentries?limit=1000' }),
      );
      const reads = audit.body
        .items!.map(
          (e) => e.spec as { verb: string; actor: string; detail?: string; object: { name: string } },
        )
        .filter((e) => e.verb === 'access' && e.object.name === 'edge');
      assert.deepEqual(
        reads.map((e) => [e.actor, e.detail]),
        [
          ['pam', 'admin kubeconfig'],
          ['tia', 'admin kubeconfig'],
        ],
        'each read, and only the reads that succeeded',
      );
    });

    it('finding 15: a stored project-editor role that still grants cluster.* is narrowed at start', async () => {
      const scope = { tenant: 'default', projects: '*' as const };
      const key = { kind: 'Role', tenant: 'default', project: '', name: 'project-editor' };
      await s.store.update(
        scope,
        { key, spec: { permissions: ['*.get', 'cluster.*'] } },
        { name: 'old-release' },
      );
      await ensureBuiltinRoles(s.store, 'default');
      const role = await s.store.get(scope, key);
      const expected = BUILTIN_ROLES.find((r) => r.name === 'project-editor')!.permissions;
      assert.deepEqual(role?.spec.permissions, expected);
      assert.ok(!expected.some((p) => p === 'cluster.*' || p === 'cluster.kubeconfig' || p === '*.*'));
    });
  });
}
