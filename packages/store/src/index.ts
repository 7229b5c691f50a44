export * from './types.js';
export * from './schema.js';
export {
  openDatabase,
  appliedMigrations,
  assertSchemaKnown,
  sqliteFileOf,
  type DatabaseHandle,
  type DialectName,
  type OpenDatabaseOptions,
} from './db.js';
export { backupSqlite, sqliteInUse } from './sqlite-backup.js';
export { readStoreEpoch, renewStoreEpoch } from './store-epoch.js';
export { MIGRATIONS } from './migrations/index.js';
export { parseLabelSelector, matchesLabelSelector, formatLabelSelector } from './label-selector.js';
export { KyselyResourceRepository, type ResourceRepositoryOptions } from './repositories/resources.js';
export { DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT } from './repositories/resource-reads.js';
export { UNAUDITED_KINDS } from './repositories/audit.js';
export {
  LeaseRepository,
  type Lease,
  type LeaseRequest,
  type LeaseRepositoryOptions,
} from './repositories/leases.js';
export * from './secrets/index.js';
export * from './test-databases.js';
export {
  testBackends,
  sqliteTestDatabase,
  postgresTestDatabase,
  postgresUnavailable,
  pgAdminUrl,
  type TestBackend,
  type TestDatabase,
  type TestDatabaseFactory,
} from './test-databases.js';
export { listAll } from './list-all.js';
export {
  ClusterAgentRepository,
  type AgentIdentity,
  type AgentRecord,
  type DesiredStateRow,
  type ClusterAgentRepositoryOptions,
} from './repositories/cluster-agents.js';
export {
  ImportLinkRepository,
  type ImportLink,
  type ImportLinkCluster,
  type ImportLinkUse,
  type ImportLinksTable,
  type NewImportLink,
  type ImportLinkRepositoryOptions,
} from './repositories/import-links.js';
export {
  AgentRequestRepository,
  type AgentRequestRow,
  type AgentRequestsTable,
  type AgentRequestRepositoryOptions,
} from './repositories/agent-requests.js';
export {
  LoginAttemptRepository,
  type AttemptLimit,
  type LoginAttemptsTable,
  type LoginAttemptRepositoryOptions,
} from './repositories/login-attempts.js';
export {
  SsoRepository,
  type SsoLogin,
  type SsoLoginKind,
  type SsoSession,
  type SsoLoginsTable,
  type SsoSessionsTable,
  type SsoRepositoryOptions,
} from './repositories/sso.js';
