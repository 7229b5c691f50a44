import { validationError } from '@strata/api';
import type { ResourceRepository } from '@strata/store';

/** What an API key is bound to, kept in its status: the owner and the tenant, by UID (names can be reused). */
export interface KeyOwner {
  userUid: string;
  tenantUid: string;
}

/** The UIDs a new key of `user` in `tenant` is bound to; a 422 when either does not exist (any more). */
export async function keyOwner(store: ResourceRepository, tenant: string, user: string): Promise<KeyOwner> {
  const [t, u] = await Promise.all([
    store.get({ tenant: '', projects: '*' }, { kind: 'Tenant', tenant: '', project: '', name: tenant }),
    store.get({ tenant, projects: '*' }, { kind: 'User', tenant, project: '', name: user }),
  ]);
  if (!t || t.metadata.deletedAt) {
    throw validationError([{ path: '/metadata/tenant', message: `tenant "${tenant}" does not exist` }]);
  }
  if (!u || u.metadata.deletedAt) {
    throw validationError([{ path: '/spec/user', message: `user "${user}" does not exist` }]);
  }
  return { userUid: u.metadata.uid, tenantUid: t.metadata.uid };
}
