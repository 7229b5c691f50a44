import type { MacroScopes } from '@strata/core';
import type { ResourceRepository } from '@strata/store';

/** The macros a project sees: tenant macros and the project's own (the project wins; core merges them). */
export async function loadMacros(
  store: ResourceRepository,
  tenant: string,
  project: string | undefined,
): Promise<MacroScopes> {
  const scope = { tenant, projects: '*' as const };
  const read = async (p: string): Promise<Record<string, string>> => {
    const out: Record<string, string> = {};
    let cont: string | undefined;
    do {
      const page = await store.list(scope, {
        kind: 'Macro',
        project: p,
        limit: 1000,
        ...(cont ? { continue: cont } : {}),
      });
      for (const m of page.items) out[m.metadata.name] = String(m.spec.value);
      cont = page.continue;
    } while (cont);
    return out;
  };
  return { tenant: await read(''), ...(project ? { project: await read(project) } : {}) };
}
