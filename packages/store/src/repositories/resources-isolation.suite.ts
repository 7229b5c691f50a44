import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TestBackend } from '../test-databases.js';
import type { AccessScope } from '../types.js';
import { actor, key, rejectsWith, tenantAdmin, uniqueName, useDatabase } from './suite-support.js';

/** Tenant and project isolation enforced by the store itself. */
export function isolationSuite(backend: TestBackend): void {
  describe(`resources isolation [${backend.name}]`, () => {
    const ctx = useDatabase(backend);

    it('scope A cannot get, list, update, delete or watch scope B objects', async () => {
      const tenant = uniqueName('iso');
      const admin = tenantAdmin(tenant);
      const viewerA: AccessScope = { tenant, projects: ['a'] };
      const otherTenant: AccessScope = { tenant: uniqueName('other'), projects: '*' };
      const since = await ctx.repo.currentResourceVersion();
      const kb = key(tenant, 'b', 'secret-plans');
      const b = await ctx.repo.create(admin, { key: kb, spec: { plan: 'b' } }, actor);
      await ctx.repo.create(admin, { key: key(tenant, 'a', 'mine'), spec: {} }, actor);
      await ctx.repo.create(admin, { key: key(tenant, '', 'shared'), spec: {} }, actor);

      for (const scope of [viewerA, otherTenant]) {
        assert.equal(await ctx.repo.get(scope, kb), undefined);
        await rejectsWith(
          ctx.repo.update(scope, { key: kb, spec: { plan: 'stolen' } }, actor),
          'STRATA_NOT_FOUND',
        );
        await rejectsWith(
          ctx.repo.updateStatus(scope, { key: kb, status: { hacked: true } }),
          'STRATA_NOT_FOUND',
        );
        await rejectsWith(ctx.repo.delete(scope, kb, {}, actor), 'STRATA_NOT_FOUND');
        await rejectsWith(ctx.repo.create(scope, { key: kb, spec: {} }, actor), 'STRATA_FORBIDDEN');
        assert.equal((await ctx.repo.list(scope, { kind: 'Widget', project: 'b' })).items.length, 0);
        const changes = await ctx.repo.changes(scope, { sinceResourceVersion: since });
        assert.ok(
          changes.events.every(
            (e) => e.object.metadata.project !== 'b' && e.object.metadata.tenant === scope.tenant,
          ),
        );
      }
      // A key that lies about its tenant does not help either.
      assert.equal(await ctx.repo.get(otherTenant, { ...kb, tenant: otherTenant.tenant }), undefined);

      const visible = await ctx.repo.list(viewerA, { kind: 'Widget' });
      assert.deepEqual(visible.items.map((i) => i.metadata.name).sort(), ['mine', 'shared']);
      const aChanges = await ctx.repo.changes(viewerA, { sinceResourceVersion: since, kind: 'Widget' });
      assert.deepEqual(aChanges.events.map((e) => e.object.metadata.name).sort(), ['mine', 'shared']);

      const unchanged = await ctx.repo.get(admin, kb);
      assert.deepEqual(unchanged, b);
    });

    it('tenant-scoped objects are visible to every project scope of the tenant only', async () => {
      const tenant = uniqueName('iso');
      await ctx.repo.create(tenantAdmin(tenant), { key: key(tenant, '', 'tenant-wide'), spec: {} }, actor);
      assert.ok(await ctx.repo.get({ tenant, projects: ['x'] }, key(tenant, '', 'tenant-wide')));
      assert.ok(await ctx.repo.get({ tenant, projects: [] }, key(tenant, '', 'tenant-wide')));
      assert.equal(
        await ctx.repo.get({ tenant: 'someone-else', projects: '*' }, key(tenant, '', 'tenant-wide')),
        undefined,
      );
    });
  });
}
