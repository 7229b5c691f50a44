import type { Migration, MigrationProvider } from 'kysely';
import { initial } from './0001-initial.js';
import { clusterAgents } from './0002-cluster-agents.js';

/** Every migration, by name, in order. Static so bundles and tsc output need no file globbing. */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001-initial': initial,
  '0002-cluster-agents': clusterAgents,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => ({ ...MIGRATIONS }),
};
