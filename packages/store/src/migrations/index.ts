import type { Migration, MigrationProvider } from 'kysely';
import { initial } from './0001-initial.js';
import { clusterAgents } from './0002-cluster-agents.js';
import { importLinks } from './0003-import-links.js';
import { adoptionPreviews } from './0004-adoption-previews.js';
import { agentRequests } from './0005-agent-requests.js';
import { identity } from './0006-identity.js';
import { repaveApprovals } from './0007-repave-approvals.js';
import { sso } from './0008-sso.js';
import { storeEpoch } from './0009-store-epoch.js';

/** Every migration, by name, in order. Static so bundles and tsc output need no file globbing. */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001-initial': initial,
  '0002-cluster-agents': clusterAgents,
  '0003-import-links': importLinks,
  '0004-adoption-previews': adoptionPreviews,
  '0005-agent-requests': agentRequests,
  '0006-identity': identity,
  '0007-repave-approvals': repaveApprovals,
  '0008-sso': sso,
  '0009-store-epoch': storeEpoch,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => ({ ...MIGRATIONS }),
};
