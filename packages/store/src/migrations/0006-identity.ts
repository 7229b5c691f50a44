import { sql, type Kysely, type Migration } from 'kysely';

interface Row {
  uid: string;
  tenant: string;
  kind: string;
  name: string;
  spec: string;
  status: string;
}

type Json = Record<string, unknown>;

/**
 * Identities are referenced by UID from now on (names are only for display), and sign-in failures are counted in the
 * database so every replica shares them:
 * - RoleBinding `spec.subjects[].uid`, Team `spec.memberUids`: the UID of the user or team the name resolves to
 *   today (a name that resolves to nothing gets no UID and so grants nothing);
 * - ApiKey `status.userUid` and `status.tenantUid`: the owner and the tenant the key was made in;
 * - table `login_attempts`: one windowed counter per account and per client address;
 * - objects of tenants that no longer exist (deleting a tenant used to leave them behind) are removed, so creating
 *   a tenant under an old name cannot hand the old users, keys and bindings to it. This part is not undone by down.
 * Down removes the UIDs again (the older schema refuses unknown fields) and drops the table.
 */
export const identity: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('login_attempts')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('window_start', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('login_attempts_window')
      .on('login_attempts')
      .column('window_start')
      .execute();
    await purgeOrphans(db);
    await rewrite(db, (row, uids) => addUids(row, uids));
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('login_attempts').execute();
    await rewrite(db, (row) => removeUids(row));
  },
};

async function purgeOrphans(db: Kysely<unknown>): Promise<void> {
  const gone = sql`tenant <> '' AND tenant NOT IN (SELECT name FROM objects WHERE tenant = '' AND kind = 'Tenant')`;
  await sql`DELETE FROM object_labels WHERE uid IN (SELECT uid FROM objects WHERE ${gone})`.execute(db);
  await sql`DELETE FROM changes WHERE ${gone}`.execute(db);
  await sql`DELETE FROM objects WHERE ${gone}`.execute(db);
}

/** Where a name points today, per tenant: `User/alice` → uid; tenants under `Tenant/NAME` in tenant ''. */
class Uids {
  readonly #byKey = new Map<string, string>();
  constructor(rows: readonly Row[]) {
    for (const r of rows) this.#byKey.set(`${r.tenant}\u0000${r.kind}/${r.name}`, r.uid);
  }
  of(tenant: string, kind: string, name: unknown): string | undefined {
    return typeof name === 'string' ? this.#byKey.get(`${tenant}\u0000${kind}/${name}`) : undefined;
  }
}

async function rewrite(
  db: Kysely<unknown>,
  change: (row: Row, uids: Uids) => { spec?: Json; status?: Json } | undefined,
): Promise<void> {
  const rows = (
    await sql<Row>`SELECT uid, tenant, kind, name, spec, status FROM objects
      WHERE kind IN ('User', 'Team', 'Tenant', 'RoleBinding', 'ApiKey') AND version = ''`.execute(db)
  ).rows;
  const uids = new Uids(rows.filter((r) => r.kind === 'User' || r.kind === 'Team' || r.kind === 'Tenant'));
  for (const row of rows) {
    const next = change(row, uids);
    if (!next) continue;
    const spec = JSON.stringify(next.spec ?? JSON.parse(row.spec));
    const status = JSON.stringify(next.status ?? JSON.parse(row.status));
    await sql`UPDATE objects SET spec = ${spec}, status = ${status} WHERE uid = ${row.uid}`.execute(db);
  }
}

function addUids(row: Row, uids: Uids): { spec?: Json; status?: Json } | undefined {
  const spec = JSON.parse(row.spec) as Json;
  if (row.kind === 'RoleBinding') {
    const subjects = ((spec.subjects as Json[] | undefined) ?? []).map((s) => {
      const uid = uids.of(row.tenant, String(s.kind), s.name);
      return uid ? { ...s, uid } : s;
    });
    return { spec: { ...spec, subjects } };
  }
  if (row.kind === 'Team') {
    const members = (spec.members as unknown[] | undefined) ?? [];
    const memberUids = members.flatMap((m) => uids.of(row.tenant, 'User', m) ?? []);
    return { spec: { ...spec, memberUids } };
  }
  if (row.kind === 'ApiKey') {
    const status = JSON.parse(row.status) as Json;
    const userUid = uids.of(row.tenant, 'User', spec.user);
    const tenantUid = uids.of('', 'Tenant', row.tenant);
    return {
      status: { ...status, ...(userUid ? { userUid } : {}), ...(tenantUid ? { tenantUid } : {}) },
    };
  }
  return undefined;
}

function removeUids(row: Row): { spec?: Json; status?: Json } | undefined {
  const spec = JSON.parse(row.spec) as Json;
  if (row.kind === 'RoleBinding') {
    const subjects = ((spec.subjects as Json[] | undefined) ?? []).map(({ uid: _uid, ...s }) => s);
    return { spec: { ...spec, subjects } };
  }
  if (row.kind === 'Team') {
    const { memberUids: _memberUids, ...rest } = spec;
    return { spec: rest };
  }
  if (row.kind === 'ApiKey') {
    const { userUid: _u, tenantUid: _t, ...status } = JSON.parse(row.status) as Json;
    return { status };
  }
  return undefined;
}
