import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TestBackend } from '../test-databases.js';
import { actor, key, rejectsWith, tenantAdmin, uniqueName, useDatabase } from './suite-support.js';

/** Changes / resume, soft deletion with finalizers, and audit entries. */
export function watchSuite(backend: TestBackend): void {
  describe(`resources changes, finalizers, audit [${backend.name}]`, () => {
    const ctx = useDatabase(backend);

    it('records ordered changes and resumes from any resourceVersion', async () => {
      const tenant = uniqueName('watch');
      const scope = tenantAdmin(tenant);
      const start = await ctx.repo.currentResourceVersion();
      const k = key(tenant, 'p', 'w');
      const c = await ctx.repo.create(scope, { key: k, spec: { a: 1 } }, actor);
      const u = await ctx.repo.update(scope, { key: k, spec: { a: 2 } }, actor);
      await ctx.repo.updateStatus(scope, { key: k, status: { observedGeneration: 2 } });
      await ctx.repo.delete(scope, k, {}, actor);

      const all = await ctx.repo.changes(scope, { sinceResourceVersion: start, kind: 'Widget' });
      assert.deepEqual(
        all.events.map((e) => e.type),
        ['ADDED', 'MODIFIED', 'MODIFIED', 'DELETED'],
      );
      const rvs = all.events.map((e) => Number(e.object.metadata.resourceVersion));
      assert.deepEqual(
        rvs,
        [...rvs].sort((x, y) => x - y),
      );
      assert.equal(all.events[1]?.object.metadata.generation, 2);
      assert.equal(all.resourceVersion, await ctx.repo.currentResourceVersion());

      const resumed = await ctx.repo.changes(scope, {
        sinceResourceVersion: c.metadata.resourceVersion,
        kind: 'Widget',
      });
      assert.deepEqual(
        resumed.events.map((e) => e.type),
        ['MODIFIED', 'MODIFIED', 'DELETED'],
      );
      const afterUpdate = await ctx.repo.changes(scope, {
        sinceResourceVersion: u.metadata.resourceVersion,
        kind: 'Widget',
        limit: 1,
      });
      assert.deepEqual(
        afterUpdate.events.map((e) => e.type),
        ['MODIFIED'],
      );
      assert.equal(afterUpdate.resourceVersion, afterUpdate.events[0]?.object.metadata.resourceVersion);
      const none = await ctx.repo.changes(scope, { sinceResourceVersion: all.resourceVersion });
      assert.equal(none.events.length, 0);
    });

    it('a list resourceVersion is a safe watch starting point', async () => {
      const tenant = uniqueName('watch');
      const scope = tenantAdmin(tenant);
      await ctx.repo.create(scope, { key: key(tenant, 'p', 'before'), spec: {} }, actor);
      const list = await ctx.repo.list(scope, { kind: 'Widget' });
      await ctx.repo.create(scope, { key: key(tenant, 'p', 'after'), spec: {} }, actor);
      const changes = await ctx.repo.changes(scope, {
        sinceResourceVersion: list.resourceVersion,
        kind: 'Widget',
      });
      assert.deepEqual(
        changes.events.map((e) => e.object.metadata.name),
        ['after'],
      );
    });

    it('rejects malformed and future resourceVersions', async () => {
      const scope = tenantAdmin('t');
      await rejectsWith(ctx.repo.changes(scope, { sinceResourceVersion: 'abc' }), 'STRATA_BAD_REQUEST');
      await rejectsWith(ctx.repo.changes(scope, { sinceResourceVersion: '999999999' }), 'STRATA_BAD_REQUEST');
    });

    it('soft-deletes objects with finalizers and removes them with the last finalizer', async () => {
      const tenant = uniqueName('fin');
      const scope = tenantAdmin(tenant);
      const k = key(tenant, 'p', 'guarded');
      const start = await ctx.repo.currentResourceVersion();
      await ctx.repo.create(
        scope,
        { key: k, finalizers: ['strata.dev/cleanup', 'strata.dev/other'], spec: { a: 1 } },
        actor,
      );
      const marked = await ctx.repo.delete(scope, k, {}, actor);
      assert.equal(marked.deleted, false);
      assert.ok(marked.object.metadata.deletedAt);
      const again = await ctx.repo.delete(scope, k, {}, actor);
      assert.equal(
        again.object.metadata.resourceVersion,
        marked.object.metadata.resourceVersion,
        'deleting twice changes nothing',
      );

      await rejectsWith(ctx.repo.update(scope, { key: k, spec: { a: 2 } }, actor), 'STRATA_DELETING');
      assert.deepEqual((await ctx.repo.list(scope, { kind: 'Widget' })).items, []);
      assert.equal((await ctx.repo.list(scope, { kind: 'Widget', includeDeleted: true })).items.length, 1);
      const withStatus = await ctx.repo.updateStatus(scope, { key: k, status: { phase: 'Deleting' } });
      assert.equal(withStatus.status.phase, 'Deleting');

      await ctx.repo.update(scope, { key: k, finalizers: ['strata.dev/other'] }, actor);
      assert.ok(await ctx.repo.get(scope, k));
      const last = await ctx.repo.update(scope, { key: k, finalizers: [] }, actor);
      assert.deepEqual(last.metadata.finalizers, []);
      assert.equal(await ctx.repo.get(scope, k), undefined);

      const events = await ctx.repo.changes(scope, { sinceResourceVersion: start, kind: 'Widget' });
      assert.deepEqual(
        events.events.map((e) => e.type),
        ['ADDED', 'MODIFIED', 'MODIFIED', 'MODIFIED', 'DELETED'],
      );
    });

    it('writes one AuditEntry per mutation, in the object project, never auditing records', async () => {
      const tenant = uniqueName('audit');
      const scope = tenantAdmin(tenant);
      const k = key(tenant, 'p', 'audited');
      await ctx.repo.create(scope, { key: k, spec: { a: 1 } }, actor);
      await ctx.repo.update(scope, { key: k, spec: { a: 2 } }, { name: 'user:bob' });
      await ctx.repo.updateStatus(scope, { key: k, status: { ok: true } });
      await ctx.repo.updateStatus(scope, { key: k, status: { ok: false } }, { name: 'controller:widgets' });
      await ctx.repo.delete(scope, k, {}, actor);
      await ctx.repo.create(scope, { key: key(tenant, 'p', 'ev-1', 'Event'), spec: { reason: 'X' } }, actor);

      const entries = await ctx.repo.list(scope, { kind: 'AuditEntry', project: 'p' });
      const specs = entries.items.map((e) => e.spec);
      assert.equal(specs.length, 4, JSON.stringify(specs));
      const byVerb = Object.fromEntries(entries.items.map((e) => [e.spec.verb as string, e]));
      assert.deepEqual(Object.keys(byVerb).sort(), ['create', 'delete', 'update', 'updateStatus']);
      assert.deepEqual(byVerb.create?.spec.object, { kind: 'Widget', name: 'audited', project: 'p' });
      assert.equal(byVerb.create?.spec.requestId, 'req-1');
      assert.equal(byVerb.create?.spec.outcome, 'Success');
      assert.equal(byVerb.update?.spec.actor, 'user:bob');
      assert.equal(byVerb.update?.spec.generationBefore, 1);
      assert.equal(byVerb.update?.spec.generationAfter, 2);
      assert.equal(byVerb.updateStatus?.spec.actor, 'controller:widgets');
      for (const e of entries.items) {
        assert.match(e.metadata.name, /^a-[0-9]+$/);
        assert.equal(e.metadata.project, 'p');
      }
      assert.equal(
        (await ctx.repo.list({ tenant, projects: ['q'] }, { kind: 'AuditEntry' })).items.length,
        0,
      );
    });
  });

  describe(`resources change window [${backend.name}]`, () => {
    const ctx = useDatabase(backend, { retention: { window: 20, pruneEvery: 5 } });

    it('answers STRATA_GONE for a resourceVersion older than the kept window', async () => {
      const tenant = uniqueName('gone');
      const scope = tenantAdmin(tenant);
      const k = key(tenant, 'p', 'busy');
      const first = await ctx.repo.create(scope, { key: k, spec: { n: 0 } }, { name: 'x' });
      for (let n = 1; n <= 30; n++) await ctx.repo.update(scope, { key: k, spec: { n } }, { name: 'x' });
      await rejectsWith(
        ctx.repo.changes(scope, { sinceResourceVersion: first.metadata.resourceVersion }),
        'STRATA_GONE',
      );
      const current = Number(await ctx.repo.currentResourceVersion());
      const recent = await ctx.repo.changes(scope, {
        sinceResourceVersion: String(current - 10),
        kind: 'Widget',
      });
      assert.ok(recent.events.length >= 4);
    });
  });
}
