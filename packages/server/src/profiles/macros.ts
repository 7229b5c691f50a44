import type { MacroScopes } from '@strata/core';
import { listAll, type ResourceRepository } from '@strata/store';

/** The macros a project sees: tenant macros and the project's own (the project wins; core merges them). */
export async function loadMacros(
  store: ResourceRepository,
  tenant: string,
  project: string | undefined,
): Promise<MacroScopes> {
  const scope = { tenant, projects: '*' as const };
  const read = async (p: string): Promise<Record<string, string>> => {
    const macros = await listAll(store, scope, { kind: 'Macro', project: p });
    return Object.fromEntries(macros.map((m) => [m.metadata.name, String(m.spec.value)]));
  };
  return { tenant: await read(''), ...(project ? { project: await read(project) } : {}) };
}
