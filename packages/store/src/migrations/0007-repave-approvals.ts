import { createHash } from 'node:crypto';
import { sql, type Kysely, type Migration } from 'kysely';

interface Row {
  uid: string;
  generation: number | string;
  spec: string;
  status: string;
}

type Json = Record<string, unknown>;
interface Pending {
  id?: string;
  target?: string;
  approved?: boolean;
  approvedBy?: string;
}

/**
 * Repave approvals move from status to spec (decision 0006): status is output only.
 * - Every Cluster `status.pendingRepave` gets its `id` (what an approval names), computed as the controller does;
 * - one the user approved (`status.pendingRepave.approved: true`) gets `spec.repaveApproval: {id, approvedBy}`.
 * Down takes `spec.repaveApproval` and the ids away again (the older schema refuses unknown fields); the approval
 * itself stays in `status.pendingRepave.approved`, where the older controller reads it.
 */
export const repaveApprovals: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await rewrite(db, (row, spec, status) => {
      const pending = status.pendingRepave as Pending | undefined;
      if (!pending || typeof pending.target !== 'string') return undefined;
      const id = pending.id ?? repaveId(row.uid, pending.target, Number(row.generation));
      const approval =
        pending.approved === true && pending.approvedBy ? { approvedBy: pending.approvedBy } : {};
      return {
        spec: pending.approved === true ? { ...spec, repaveApproval: { id, ...approval } } : spec,
        status: { ...status, pendingRepave: { ...pending, id } },
      };
    });
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await rewrite(db, (_row, spec, status) => {
      const { repaveApproval: _approval, ...olderSpec } = spec;
      const pending = status.pendingRepave as Pending | undefined;
      if (!pending && !_approval) return undefined;
      const { id: _id, ...olderPending } = pending ?? {};
      return { spec: olderSpec, status: pending ? { ...status, pendingRepave: olderPending } : status };
    });
  },
};

function repaveId(uid: string, target: string, generation: number): string {
  return createHash('sha256').update(`${uid}/${target}/${generation}`).digest('hex').slice(0, 16);
}

async function rewrite(
  db: Kysely<unknown>,
  change: (row: Row, spec: Json, status: Json) => { spec: Json; status: Json } | undefined,
): Promise<void> {
  const rows = (
    await sql<Row>`SELECT uid, generation, spec, status FROM objects WHERE kind = 'Cluster' AND version = ''`.execute(
      db,
    )
  ).rows;
  for (const row of rows) {
    const next = change(row, JSON.parse(row.spec) as Json, JSON.parse(row.status) as Json);
    if (!next) continue;
    await sql`UPDATE objects SET spec = ${JSON.stringify(next.spec)}, status = ${JSON.stringify(next.status)}
      WHERE uid = ${row.uid}`.execute(db);
  }
}
