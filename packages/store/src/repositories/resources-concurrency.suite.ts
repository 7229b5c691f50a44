import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StrataError } from '@strata/api';
import type { TestBackend } from '../test-databases.js';
import { actor, key, tenantAdmin, uniqueName, useDatabase } from './suite-support.js';

/** Concurrent writers: preconditions are race-free, and writers without one never lose an update. */
export function concurrencySuite(backend: TestBackend): void {
  describe(`resources concurrency [${backend.name}]`, () => {
    // On PostgreSQL the default test pool has 10 connections, so the writers really race in the server.
    const ctx = useDatabase(backend);

    it('50 concurrent updates with the same resourceVersion: exactly one wins, 49 get STRATA_CONFLICT', async () => {
      const tenant = uniqueName('race');
      const scope = tenantAdmin(tenant);
      const k = key(tenant, 'p', 'contended');
      const created = await ctx.repo.create(scope, { key: k, spec: { writer: -1 } }, actor);
      const results = await Promise.allSettled(
        Array.from({ length: 50 }, (_, writer) =>
          ctx.repo.update(
            scope,
            { key: k, spec: { writer }, expectedResourceVersion: created.metadata.resourceVersion },
            { name: `w${writer}` },
          ),
        ),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r) => r.status === 'rejected');
      assert.equal(won.length, 1);
      assert.equal(lost.length, 49);
      for (const r of lost)
        assert.ok(r.reason instanceof StrataError && r.reason.code === 'STRATA_CONFLICT', String(r.reason));

      const winner = won[0]?.status === 'fulfilled' ? won[0].value : undefined;
      const stored = await ctx.repo.get(scope, k);
      assert.deepEqual(stored?.spec, winner?.spec, 'the winning write is what is stored');
      assert.equal(stored?.metadata.generation, 2);
      const changes = await ctx.repo.changes(scope, {
        sinceResourceVersion: created.metadata.resourceVersion,
        kind: 'Widget',
      });
      assert.equal(changes.events.length, 1);
      const audits = await ctx.repo.list(scope, { kind: 'AuditEntry' });
      assert.equal(audits.items.filter((a) => a.spec.verb === 'update').length, 1);
    });

    it('50 concurrent updates without a precondition all land, in resourceVersion order', async () => {
      const tenant = uniqueName('race');
      const scope = tenantAdmin(tenant);
      const k = key(tenant, 'p', 'shared');
      const created = await ctx.repo.create(scope, { key: k, spec: { writer: -1 } }, actor);
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, writer) =>
          ctx.repo.update(scope, { key: k, spec: { writer } }, actor),
        ),
      );
      const rvs = results.map((r) => Number(r.metadata.resourceVersion));
      assert.equal(new Set(rvs).size, 50);
      const stored = await ctx.repo.get(scope, k);
      assert.equal(stored?.metadata.generation, 51);
      const changes = await ctx.repo.changes(scope, {
        sinceResourceVersion: created.metadata.resourceVersion,
        kind: 'Widget',
      });
      assert.equal(changes.events.length, 50);
      const last = changes.events[changes.events.length - 1];
      assert.deepEqual(last?.object.spec, stored?.spec, 'the last change is the stored state');
    });

    it('concurrent creates of one name: one succeeds, the rest get STRATA_ALREADY_EXISTS', async () => {
      const tenant = uniqueName('race');
      const scope = tenantAdmin(tenant);
      const k = key(tenant, 'p', 'first-come');
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) => ctx.repo.create(scope, { key: k, spec: { i } }, actor)),
      );
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results) {
        if (r.status === 'rejected')
          assert.ok(
            r.reason instanceof StrataError && r.reason.code === 'STRATA_ALREADY_EXISTS',
            String(r.reason),
          );
      }
    });
  });
}
