import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testBackends } from '../test-databases.js';
import { actor, key, rejectsWith, tenantAdmin, uniqueName, useDatabase } from './suite-support.js';

for (const backend of await testBackends()) {
  describe(`delete with a cascade [${backend.name}]`, () => {
    const db = useDatabase(backend);

    it('changes and deletes the dependents in the delete’s transaction, each audited and recorded', async () => {
      const t = uniqueName('t');
      const scope = tenantAdmin(t);
      const owner = await db.repo.create(scope, { key: key(t, '', 'owner'), spec: {} }, actor);
      const ref = await db.repo.create(
        scope,
        { key: key(t, '', 'ref'), spec: { to: ['owner', 'x'] } },
        actor,
      );
      const owned = await db.repo.create(scope, { key: key(t, '', 'owned'), spec: {} }, actor);
      const from = await db.repo.currentResourceVersion();
      await db.repo.delete(
        scope,
        key(t, '', 'owner'),
        {
          cascade: {
            updates: [
              { key: key(t, '', 'ref'), resourceVersion: ref.metadata.resourceVersion, spec: { to: ['x'] } },
            ],
            deletes: [{ key: key(t, '', 'owned'), resourceVersion: owned.metadata.resourceVersion }],
          },
        },
        actor,
      );
      assert.equal(await db.repo.get(scope, key(t, '', owner.metadata.name)), undefined);
      assert.equal(await db.repo.get(scope, key(t, '', 'owned')), undefined);
      assert.deepEqual((await db.repo.get(scope, key(t, '', 'ref')))?.spec, { to: ['x'] });
      const { events } = await db.repo.changes(scope, { sinceResourceVersion: from, kind: 'Widget' });
      assert.deepEqual(
        events.map((e) => [e.type, e.object.metadata.name]),
        [
          ['DELETED', 'owner'],
          ['MODIFIED', 'ref'],
          ['DELETED', 'owned'],
        ],
      );
      const audit = await db.repo.list(scope, { kind: 'AuditEntry' });
      const verbs = audit.items.map(
        (a) => `${String(a.spec.verb)} ${(a.spec.object as { name: string }).name}`,
      );
      for (const v of ['delete owner', 'update ref', 'delete owned']) assert.ok(verbs.includes(v), v);
    });

    it('a dependent that changed meanwhile fails the whole delete with a conflict; nothing changes', async () => {
      const t = uniqueName('t');
      const scope = tenantAdmin(t);
      await db.repo.create(scope, { key: key(t, '', 'owner'), spec: {} }, actor);
      const ref = await db.repo.create(scope, { key: key(t, '', 'ref'), spec: { v: 1 } }, actor);
      await db.repo.update(scope, { key: key(t, '', 'ref'), spec: { v: 2 } }, actor);
      await rejectsWith(
        db.repo.delete(
          scope,
          key(t, '', 'owner'),
          {
            cascade: { deletes: [{ key: key(t, '', 'ref'), resourceVersion: ref.metadata.resourceVersion }] },
          },
          actor,
        ),
        'STRATA_CONFLICT',
      );
      assert.ok(await db.repo.get(scope, key(t, '', 'owner')), 'the object itself stays');
      assert.deepEqual((await db.repo.get(scope, key(t, '', 'ref')))?.spec, { v: 2 });
    });

    it('purges a tenant unless `refuse` objects to one of its objects', async () => {
      const t = uniqueName('t');
      const scope = tenantAdmin(t);
      const system = tenantAdmin('');
      await db.repo.create(
        system,
        { key: { kind: 'Tenant', tenant: '', project: '', name: t }, spec: {} },
        actor,
      );
      await db.repo.create(scope, { key: key(t, '', 'user', 'User'), spec: {} }, actor);
      await db.repo.create(scope, { key: key(t, 'p', 'thing'), labels: { keep: 'me' }, spec: {} }, actor);
      const tenantKey = { kind: 'Tenant', tenant: '', project: '', name: t };
      const refuse = (o: { kind: string; project: string }) =>
        o.project && o.kind !== 'AuditEntry' ? 'has projects' : undefined;
      const err = await rejectsWith(
        db.repo.delete(system, tenantKey, { cascade: { purgeTenant: { tenant: t, refuse } } }, actor),
        'STRATA_IN_USE',
      );
      assert.equal(err.message, 'has projects');
      assert.ok(await db.repo.get(system, tenantKey));
      assert.ok(await db.repo.get(scope, key(t, '', 'user', 'User')));
      await db.repo.delete(scope, key(t, 'p', 'thing'), {}, actor);
      await db.repo.delete(system, tenantKey, { cascade: { purgeTenant: { tenant: t, refuse } } }, actor);
      assert.equal(await db.repo.get(system, tenantKey), undefined);
      for (const kind of ['User', 'Widget', 'AuditEntry'])
        assert.deepEqual((await db.repo.list(scope, { kind })).items, [], kind);
      const { events } = await db.repo.changes(scope, { sinceResourceVersion: '0' });
      assert.deepEqual(events, [], 'no history is left for a later tenant of that name to watch');
    });
  });
}
