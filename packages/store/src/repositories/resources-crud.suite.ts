import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TestBackend } from '../test-databases.js';
import { parseLabelSelector } from '../label-selector.js';
import { actor, key, rejectsWith, tenantAdmin, uniqueName, useDatabase } from './suite-support.js';

/** CRUD, generation, label selectors and pagination: runs once per backend. */
export function crudSuite(backend: TestBackend): void {
  describe(`resources CRUD [${backend.name}]`, () => {
    const ctx = useDatabase(backend);
    const scope = tenantAdmin('t-crud');

    it('creates and gets an object with server-set metadata', async () => {
      const name = uniqueName();
      const created = await ctx.repo.create(
        scope,
        { key: key('t-crud', 'p1', name), labels: { env: 'prod' }, spec: { size: 1 } },
        actor,
      );
      assert.equal(created.metadata.generation, 1);
      assert.match(created.metadata.resourceVersion, /^[0-9]+$/);
      assert.match(created.metadata.uid, /^[0-9a-f-]{36}$/);
      assert.equal(created.metadata.project, 'p1');
      assert.deepEqual(created.spec, { size: 1 });
      const got = await ctx.repo.get(scope, key('t-crud', 'p1', name));
      assert.deepEqual(got, created);
    });

    it('omits project for tenant-scoped objects and keeps versions apart', async () => {
      const name = uniqueName();
      const v1 = await ctx.repo.create(
        scope,
        { key: { ...key('t-crud', '', name, 'Pack'), version: '1.0.0' }, spec: { version: '1.0.0' } },
        actor,
      );
      await ctx.repo.create(
        scope,
        { key: { ...key('t-crud', '', name, 'Pack'), version: '1.1.0' }, spec: { version: '1.1.0' } },
        actor,
      );
      assert.equal(v1.metadata.project, undefined);
      const list = await ctx.repo.list(scope, { kind: 'Pack', name });
      assert.deepEqual(
        list.items.map((i) => i.spec.version),
        ['1.0.0', '1.1.0'],
      );
    });

    it('refuses a duplicate create with STRATA_ALREADY_EXISTS', async () => {
      const k = key('t-crud', 'p1', uniqueName());
      await ctx.repo.create(scope, { key: k, spec: {} }, actor);
      await rejectsWith(
        ctx.repo.create(scope, { key: k, spec: { other: true } }, actor),
        'STRATA_ALREADY_EXISTS',
      );
    });

    it('bumps generation only when spec changes; status writes never do', async () => {
      const k = key('t-crud', 'p1', uniqueName());
      const c = await ctx.repo.create(scope, { key: k, spec: { a: 1, b: [1, 2] } }, actor);
      const sameSpec = await ctx.repo.update(
        scope,
        { key: k, spec: { b: [1, 2], a: 1 }, labels: { x: 'y' } },
        actor,
      );
      assert.equal(sameSpec.metadata.generation, 1);
      assert.notEqual(sameSpec.metadata.resourceVersion, c.metadata.resourceVersion);
      const changed = await ctx.repo.update(scope, { key: k, spec: { a: 2, b: [1, 2] } }, actor);
      assert.equal(changed.metadata.generation, 2);
      const status = await ctx.repo.updateStatus(scope, {
        key: k,
        status: { observedGeneration: 2, phase: 'Ready' },
      });
      assert.equal(status.metadata.generation, 2);
      assert.equal(status.status.observedGeneration, 2);
      assert.ok(Number(status.metadata.resourceVersion) > Number(changed.metadata.resourceVersion));
      assert.deepEqual(status.spec, { a: 2, b: [1, 2] });
    });

    it('treats an identical write as a no-op (same resourceVersion)', async () => {
      const k = key('t-crud', 'p1', uniqueName());
      const c = await ctx.repo.create(scope, { key: k, spec: { a: 1 }, status: { phase: 'New' } }, actor);
      const u = await ctx.repo.update(scope, { key: k, spec: { a: 1 } }, actor);
      const s = await ctx.repo.updateStatus(scope, { key: k, status: { phase: 'New' } });
      assert.equal(u.metadata.resourceVersion, c.metadata.resourceVersion);
      assert.equal(s.metadata.resourceVersion, c.metadata.resourceVersion);
    });

    it('rejects a stale resourceVersion with STRATA_CONFLICT and changes nothing', async () => {
      const k = key('t-crud', 'p1', uniqueName());
      const c = await ctx.repo.create(scope, { key: k, spec: { a: 1 } }, actor);
      await ctx.repo.update(
        scope,
        { key: k, spec: { a: 2 }, expectedResourceVersion: c.metadata.resourceVersion },
        actor,
      );
      const err = await rejectsWith(
        ctx.repo.update(
          scope,
          { key: k, spec: { a: 3 }, expectedResourceVersion: c.metadata.resourceVersion },
          actor,
        ),
        'STRATA_CONFLICT',
      );
      assert.equal(err.issues[0]?.path, '/metadata/resourceVersion');
      await rejectsWith(
        ctx.repo.updateStatus(scope, {
          key: k,
          status: { x: 1 },
          expectedResourceVersion: c.metadata.resourceVersion,
        }),
        'STRATA_CONFLICT',
      );
      await rejectsWith(
        ctx.repo.delete(scope, k, { expectedResourceVersion: c.metadata.resourceVersion }, actor),
        'STRATA_CONFLICT',
      );
      const got = await ctx.repo.get(scope, k);
      assert.deepEqual(got?.spec, { a: 2 });
      assert.deepEqual(got?.status, {});
    });

    it('returns STRATA_NOT_FOUND for writes to a missing object', async () => {
      const k = key('t-crud', 'p1', uniqueName());
      await rejectsWith(ctx.repo.update(scope, { key: k, spec: {} }, actor), 'STRATA_NOT_FOUND');
      await rejectsWith(ctx.repo.updateStatus(scope, { key: k, status: {} }), 'STRATA_NOT_FOUND');
      await rejectsWith(ctx.repo.delete(scope, k, {}, actor), 'STRATA_NOT_FOUND');
    });

    it('deletes an object without finalizers at once', async () => {
      const k = key('t-crud', 'p1', uniqueName());
      await ctx.repo.create(scope, { key: k, spec: {} }, actor);
      const result = await ctx.repo.delete(scope, k, {}, actor);
      assert.equal(result.deleted, true);
      assert.ok(result.object.metadata.deletedAt);
      assert.equal(await ctx.repo.get(scope, k), undefined);
      await ctx.repo.create(scope, { key: k, spec: { again: true } }, actor);
    });

    it('filters lists by label selector in every operator', async () => {
      const project = uniqueName('sel');
      const mk = (name: string, labels: Record<string, string>) =>
        ctx.repo.create(scope, { key: key('t-crud', project, name), labels, spec: {} }, actor);
      await mk('a', { env: 'prod', tier: 'web' });
      await mk('b', { env: 'prod', tier: 'db', legacy: 'yes' });
      await mk('c', { env: 'dev' });
      await mk('d', {});
      const names = async (selector: string) =>
        (
          await ctx.repo.list(scope, { kind: 'Widget', project, labelSelector: parseLabelSelector(selector) })
        ).items.map((i) => i.metadata.name);
      assert.deepEqual(await names('env=prod'), ['a', 'b']);
      assert.deepEqual(await names('env!=prod'), ['c', 'd']);
      assert.deepEqual(await names('env in (dev,prod),tier notin (db)'), ['a', 'c']);
      assert.deepEqual(await names('tier'), ['a', 'b']);
      assert.deepEqual(await names('!legacy,env'), ['a', 'c']);
      assert.deepEqual(await names('env=prod,!legacy'), ['a']);
      assert.deepEqual(await names(''), ['a', 'b', 'c', 'd']);
    });

    it('follows label changes made by update', async () => {
      const project = uniqueName('relabel');
      const k = key('t-crud', project, 'x');
      await ctx.repo.create(scope, { key: k, labels: { env: 'dev' }, spec: {} }, actor);
      await ctx.repo.update(scope, { key: k, labels: { env: 'prod' } }, actor);
      const prod = await ctx.repo.list(scope, {
        kind: 'Widget',
        project,
        labelSelector: parseLabelSelector('env=prod'),
      });
      const dev = await ctx.repo.list(scope, {
        kind: 'Widget',
        project,
        labelSelector: parseLabelSelector('env=dev'),
      });
      assert.equal(prod.items.length, 1);
      assert.equal(dev.items.length, 0);
    });

    it('paginates in a stable order with continue tokens, across projects', async () => {
      const tenant = uniqueName('page');
      const s = tenantAdmin(tenant);
      for (let i = 0; i < 23; i++) {
        await ctx.repo.create(
          s,
          {
            key: key(tenant, i < 12 ? 'p1' : 'p2', `n-${String(i % 12).padStart(2, '0')}`),
            labels: { even: String(i % 2 === 0) },
            spec: { i },
          },
          actor,
        );
      }
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await ctx.repo.list(s, { kind: 'Widget', limit: 5, continue: token });
        assert.ok(page.items.length <= 5);
        seen.push(...page.items.map((i) => `${i.metadata.name}/${i.metadata.project ?? ''}`));
        token = page.continue;
        pages++;
      } while (token);
      assert.equal(pages, 5);
      assert.equal(seen.length, 23);
      assert.equal(new Set(seen).size, 23);
      assert.deepEqual(seen, [...seen].sort());
      const filtered = await ctx.repo.list(s, {
        kind: 'Widget',
        limit: 4,
        labelSelector: parseLabelSelector('even=true'),
      });
      assert.equal(filtered.items.length, 4);
      const rest = await ctx.repo.list(s, {
        kind: 'Widget',
        limit: 100,
        continue: filtered.continue,
        labelSelector: parseLabelSelector('even=true'),
      });
      assert.equal(filtered.items.length + rest.items.length, 12);
      assert.equal(rest.continue, undefined);
    });

    it('clamps an oversized limit instead of failing; rejects bad limits and tokens', async () => {
      const tenant = uniqueName('limit');
      const s = tenantAdmin(tenant);
      await ctx.repo.create(s, { key: key(tenant, 'p', 'one'), spec: {} }, actor);
      const page = await ctx.repo.list(s, { kind: 'Widget', limit: 5000 });
      assert.equal(page.items.length, 1);
      await rejectsWith(ctx.repo.list(s, { kind: 'Widget', limit: 0 }), 'STRATA_BAD_REQUEST');
      const bad = await rejectsWith(
        ctx.repo.list(s, { kind: 'Widget', continue: 'not-a-token' }),
        'STRATA_BAD_REQUEST',
      );
      assert.equal(bad.issues[0]?.path, '/continue');
    });
  });
}
