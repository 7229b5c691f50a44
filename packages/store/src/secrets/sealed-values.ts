/**
 * Which keys a database's sealed values need, and whether a key ring opens them: the check behind `strata admin
 * backup` (which keys to keep with the backup) and `restore` / `finish-restore` (refuse a database the keys cannot
 * read). Every sealed value the server writes is an `enc:v1:` ciphertext without extra context (cipher.ts), in JSON
 * text or a column of its own; this finds them all by their shape.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { decryptString } from './cipher.js';
import type { KeyRing } from './key-ring.js';

const SEALED = /enc:v1:[A-Za-z0-9_-]{1,64}:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+/g;

/** The tables and text columns that can hold sealed values (absent tables are skipped). */
const SEALED_COLUMNS: readonly { table: string; column: string }[] = [
  { table: 'objects', column: 'spec' },
  { table: 'objects', column: 'status' },
  { table: 'desired_states', column: 'document' },
  { table: 'agent_requests', column: 'request' },
  { table: 'agent_requests', column: 'answer' },
  { table: 'sso_logins', column: 'data' },
  { table: 'sso_sessions', column: 'refresh_token' },
];

export interface SealedValueCensus {
  /** Per key id: how many sealed values name it, and one of them (to try decrypting). */
  byKey: Map<string, { count: number; sample: string; where: string }>;
  total: number;
}

/** Finds every sealed value in the database, grouped by the key id it names. */
export async function sealedValueCensus(db: Kysely<Database>): Promise<SealedValueCensus> {
  const tables = new Map(
    (await db.introspection.getTables()).map((t) => [t.name, new Set(t.columns.map((c) => c.name))]),
  );
  const byKey: SealedValueCensus['byKey'] = new Map();
  let total = 0;
  for (const { table, column } of SEALED_COLUMNS) {
    if (!tables.get(table)?.has(column)) continue;
    const rows = await sql<{
      value: string | null;
    }>`SELECT ${sql.ref(column)} AS value FROM ${sql.table(table)}
      WHERE ${sql.ref(column)} LIKE ${'%enc:v1:%'}`.execute(db);
    for (const row of rows.rows) {
      for (const [sealed] of (row.value ?? '').matchAll(SEALED)) {
        const keyId = sealed.split(':')[2] ?? '';
        const entry = byKey.get(keyId);
        if (entry) entry.count++;
        else byKey.set(keyId, { count: 1, sample: sealed, where: `${table}.${column}` });
        total++;
      }
    }
  }
  return { byKey, total };
}

export interface KeyRingCheck {
  ok: boolean;
  /** Key ids sealed values name that the ring does not have. */
  missing: string[];
  /** Key ids the ring has under that id, but whose key does not open the values (a different key). */
  wrong: string[];
  /** One line for an operator. */
  message: string;
}

/** Whether `ring` opens the database's sealed values: every key id they name is in it, and one value per key decrypts. */
export function checkKeyRing(census: SealedValueCensus, ring: KeyRing): KeyRingCheck {
  const missing: string[] = [];
  const wrong: string[] = [];
  for (const [keyId, { sample }] of census.byKey) {
    if (!ring.get(keyId)) {
      missing.push(keyId);
      continue;
    }
    try {
      decryptString(ring, sample);
    } catch {
      wrong.push(keyId);
    }
  }
  const ok = missing.length === 0 && wrong.length === 0;
  const count = (id: string) => census.byKey.get(id)?.count ?? 0;
  const parts: string[] = [];
  if (missing.length > 0)
    parts.push(
      `key${missing.length > 1 ? 's' : ''} ${missing.map((id) => `"${id}" (${count(id)} values)`).join(', ')} ` +
        `${missing.length > 1 ? 'are' : 'is'} not in the key ring (it has ${ring.ids.map((id) => `"${id}"`).join(', ')})`,
    );
  if (wrong.length > 0)
    parts.push(
      `the key ring's key${wrong.length > 1 ? 's' : ''} ${wrong.map((id) => `"${id}"`).join(', ')} ` +
        `cannot decrypt the values sealed under that id (a different key with the same id)`,
    );
  return {
    ok,
    missing,
    wrong,
    message: ok
      ? `the key ring opens all ${census.total} sealed values (keys ${[...census.byKey.keys()].join(', ') || 'none needed'})`
      : parts.join('; '),
  };
}
