import type { KindDefinition } from '@strata/api';
import { UsageError } from './exit-codes.js';
import type { Settings } from './settings.js';

/**
 * The project a command addresses for a kind:
 * - tenant and system kinds: none;
 * - project kinds: the object's own project, else --project / STRATA_PROJECT / the config default (required);
 * - tenant-or-project kinds: the object's own project, else --project / STRATA_PROJECT, else the tenant scope
 *   (the config default is not used, so tenant-wide objects stay reachable).
 */
export function projectFor(kind: KindDefinition, settings: Settings, own?: string): string | undefined {
  if (kind.scope === 'system' || kind.scope === 'tenant') return undefined;
  if (own) return own;
  if (kind.scope === 'tenant-or-project')
    return settings.projectSource === 'config' ? undefined : settings.project;
  if (!settings.project) {
    throw new UsageError(
      `${kind.kind} is project-scoped: pass --project, set STRATA_PROJECT, or set a default with "strata login --project"`,
    );
  }
  return settings.project;
}
