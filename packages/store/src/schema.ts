import type { ColumnType } from 'kysely';

/**
 * Table types for Kysely. Portable subset: JSON as TEXT, booleans as 0/1 integers, timestamps as
 * app-generated ISO strings, epoch-ms and counters as BIGINT (pg returns int8 as a string: use toNumber()).
 */
type BigIntColumn = ColumnType<string | number, string | number, string | number>;

export interface CountersTable {
  name: string;
  value: BigIntColumn;
}

export interface ObjectsTable {
  uid: string;
  tenant: string;
  /** '' for tenant-scoped objects. */
  project: string;
  kind: string;
  name: string;
  /** '' unless the kind is versioned. */
  version: string;
  resource_version: BigIntColumn;
  generation: number;
  labels: string;
  annotations: string;
  finalizers: string;
  spec: string;
  status: string;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

export interface ObjectLabelsTable {
  uid: string;
  key: string;
  value: string;
}

export interface ChangesTable {
  resource_version: BigIntColumn;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  tenant: string;
  project: string;
  kind: string;
  name: string;
  object: string;
  created_at: string;
}

export interface LeasesTable {
  name: string;
  owner: string;
  expires_at: BigIntColumn;
  acquired_at: string;
  renewed_at: string;
}

export interface ClusterAgentsTable {
  cluster_uid: string;
  tenant: string;
  project: string;
  name: string;
  token_hash: string;
  token_issued_at: string;
  last_seen: string | null;
  agent_version: string | null;
}

export interface DesiredStatesTable {
  cluster_uid: string;
  revision: BigIntColumn;
  content_hash: string;
  /** Encrypted JSON (it holds resolved values, which may include sensitive variables). */
  document: string;
  created_at: string;
}

/** Facts about the database itself (0009): `epoch`, see store-epoch.ts. */
export interface StoreMetaTable {
  name: string;
  value: string;
}

export interface Database {
  counters: CountersTable;
  objects: ObjectsTable;
  object_labels: ObjectLabelsTable;
  changes: ChangesTable;
  leases: LeasesTable;
  cluster_agents: ClusterAgentsTable;
  desired_states: DesiredStatesTable;
  store_meta: StoreMetaTable;
}

/** int8/bigint columns come back as strings from pg and as numbers from better-sqlite3. */
export function toNumber(value: string | number | bigint): number {
  return typeof value === 'number' ? value : Number(value);
}
