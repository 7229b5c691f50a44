/**
 * One "server replica" for multi-replica.test.ts: runs the controller runtime with database leases against
 * DATABASE_URL and logs every reconcile (key, pid, start, end — times from the database clock) to
 * reconcile_log. Stops cleanly on SIGTERM.
 */
import { sql } from 'kysely';
import { KyselyResourceRepository, LeaseRepository, openDatabase, type ObjectKey } from '@strata/store';
import { keyId, type Controller } from './controller.js';
import { startController } from './controller-manager.js';
import { DatabaseKeyLeases } from './key-leases.js';
import { Result } from './result.js';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL is required');
const handle = await openDatabase({ url, poolSize: 8 });
const store = new KyselyResourceRepository({ db: handle.db });
const leases = new DatabaseKeyLeases({
  repository: new LeaseRepository({ db: handle.db, dialect: handle.dialect }),
  owner: `replica-${process.pid}`,
});

const controller: Controller = {
  name: 'widgets',
  async reconcile(_ctx, key: ObjectKey) {
    const id = keyId(key);
    const started = await sql<{
      id: number;
    }>`INSERT INTO reconcile_log (key, pid, started_at) VALUES (${id}, ${process.pid}, clock_timestamp()) RETURNING id`.execute(
      handle.db,
    );
    const row = started.rows[0];
    if (!row) throw new Error('reconcile_log insert returned nothing');
    const object = await store.get({ tenant: key.tenant, projects: '*' }, key);
    await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 20));
    if (object) {
      await store.updateStatus(
        { tenant: key.tenant, projects: '*' },
        { key, status: { observedGeneration: object.metadata.generation, phase: 'Reconciled' } },
      );
    }
    await sql`UPDATE reconcile_log SET ended_at = clock_timestamp() WHERE id = ${row.id}`.execute(handle.db);
    return Result.done();
  },
};

const running = await startController({
  controller,
  reader: store,
  kinds: ['Widget'],
  workers: 4,
  leases,
  leaseTtlMs: 10_000,
  leaseRetryMs: 20,
  feed: { pollIntervalMs: 50, onError: (err) => console.error('feed error', err) },
  onError: ({ error }) => console.error('reconcile error', error),
});
console.log('ready');

process.once('SIGTERM', () => {
  void running
    .stop()
    .then(() => handle.close())
    .then(() => process.exit(0));
});
