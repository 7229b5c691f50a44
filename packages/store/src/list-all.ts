import type { Resource } from '@strata/api';
import type { AccessScope, ListQuery, ResourceRepository } from './types.js';

/** Every object a list query matches, following `continue` tokens page by page (1,000 at a time). */
export async function listAll(
  store: ResourceRepository,
  scope: AccessScope,
  query: Omit<ListQuery, 'limit' | 'continue'>,
): Promise<Resource[]> {
  const items: Resource[] = [];
  let cont: string | undefined;
  do {
    const page = await store.list(scope, { ...query, limit: 1000, ...(cont ? { continue: cont } : {}) });
    items.push(...page.items);
    cont = page.continue;
  } while (cont);
  return items;
}
