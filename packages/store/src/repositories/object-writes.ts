import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema.js';
import type { ObjectRow } from './object-rows.js';

/** Thrown inside a write transaction when a conditional write matched no row; the caller re-reads and retries. */
export class WriteRaced extends Error {
  constructor() {
    super('object changed during the write');
  }
}

/** Thrown to end a dry-run transaction: it rolls back and carries the result out. */
class DryRunDone<T> extends Error {
  readonly result: T;

  constructor(result: T) {
    super('dry run: rolled back');
    this.result = result;
  }
}

/**
 * Runs `work` in a transaction. With `dryRun` the transaction is rolled back after `work` succeeds, and its result
 * is returned: every check the write does ran against the real data, and nothing (object, change, audit) is kept.
 */
export async function inTransaction<T>(
  db: Kysely<Database>,
  dryRun: boolean | undefined,
  work: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  if (!dryRun) return db.transaction().execute(work);
  try {
    await db.transaction().execute(async (trx) => {
      throw new DryRunDone(await work(trx));
    });
  } catch (err) {
    if (err instanceof DryRunDone) return (err as DryRunDone<T>).result;
    throw err;
  }
  throw new Error('unreachable: a dry-run transaction always ends by rolling back');
}

/** Rows per INSERT into object_labels: keeps every statement far below SQLite's bound-variable limit. */
const LABEL_ROWS_PER_INSERT = 200;

export async function replaceLabels(
  trx: Transaction<Database>,
  uid: string,
  labels: Record<string, string>,
): Promise<void> {
  await trx.deleteFrom('object_labels').where('uid', '=', uid).execute();
  const rows = Object.entries(labels).map(([key, value]) => ({ uid, key, value }));
  for (let i = 0; i < rows.length; i += LABEL_ROWS_PER_INSERT) {
    await trx
      .insertInto('object_labels')
      .values(rows.slice(i, i + LABEL_ROWS_PER_INSERT))
      .execute();
  }
}

/** UPDATE ... WHERE uid = ? AND resource_version = ?; throws WriteRaced when another writer got there first. */
export async function conditionalUpdate(
  trx: Transaction<Database>,
  before: ObjectRow,
  after: ObjectRow,
): Promise<void> {
  const { uid, ...values } = after;
  const result = await trx
    .updateTable('objects')
    .set(values)
    .where('uid', '=', uid)
    .where('resource_version', '=', before.resource_version)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw new WriteRaced();
}

/** DELETE ... WHERE uid = ? AND resource_version = ?; throws WriteRaced when another writer got there first. */
export async function conditionalDelete(trx: Transaction<Database>, before: ObjectRow): Promise<void> {
  const result = await trx
    .deleteFrom('objects')
    .where('uid', '=', before.uid)
    .where('resource_version', '=', before.resource_version)
    .executeTakeFirst();
  if (Number(result.numDeletedRows) !== 1) throw new WriteRaced();
  await trx.deleteFrom('object_labels').where('uid', '=', before.uid).execute();
}

/** Unique-constraint violation on either backend (pg 23505, SQLITE_CONSTRAINT_UNIQUE / PRIMARYKEY). */
export function isUniqueViolation(err: unknown): boolean {
  if (typeof err !== 'object' || err === null || !('code' in err)) return false;
  const code = err.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
