import { randomBytes } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { ResourceRepository } from '@strata/store';
import { BUILTIN_ROLES } from './builtin-roles.js';
import { hashPassword } from './passwords.js';
import { keyOwner } from './key-owner.js';
import { resolveSubjects } from './identity-refs.js';
import { formatToken, hashSecret, newSecret, parseToken, secretMatches } from './tokens.js';

export const DEFAULT_TENANT = 'default';
export const ADMIN_USER = 'admin';
const ADMIN_KEY_NAME = 'bootstrap-admin';
const actor = { name: 'system:bootstrap' };
const BUILTIN_LABEL = 'strata.dev/builtin';

export interface BootstrapResult {
  apiKeyFile: string;
  passwordFile?: string;
  created: boolean;
  /** valid: the file's key works; minted: a new key was written; revoked: an operator revoked the file's key. */
  keyState: 'valid' | 'minted' | 'revoked';
}

/**
 * Makes a fresh installation usable and repairs a damaged one: the default tenant and project, the built-in roles
 * in every tenant, and an admin user whose API key sits in a 0600 file in the data directory. Idempotent.
 */
export async function bootstrap(
  store: ResourceRepository,
  dataDir: string,
  /** passwords: false (FIPS mode): the admin gets no password, only its API key. */
  options: { passwords?: boolean } = {},
): Promise<BootstrapResult> {
  const t = DEFAULT_TENANT;
  const scope = { tenant: t, projects: '*' as const };
  const created = await createIfMissing(
    store,
    { tenant: '', projects: '*' },
    { kind: 'Tenant', tenant: '', project: '', name: t },
    { displayName: 'Default tenant' },
  );
  await ensureBuiltinRoles(store, t);
  await ensureObject(
    store,
    { kind: 'Project', name: 'default', spec: { displayName: 'Default project' } },
    t,
  );
  let passwordFile: string | undefined;
  if (!(await store.get(scope, { kind: 'User', tenant: t, project: '', name: ADMIN_USER }))) {
    const password = randomBytes(18).toString('base64url');
    const withPassword = options.passwords !== false;
    const spec = {
      displayName: 'Administrator',
      ...(withPassword ? { password: await hashPassword(password) } : {}),
    };
    // Several replicas may bootstrap at once: only the one that created the user writes its password.
    if (
      await createIfMissing(store, scope, { kind: 'User', tenant: t, project: '', name: ADMIN_USER }, spec)
    ) {
      if (withPassword) {
        passwordFile = join(dataDir, 'admin-password');
        await writeSecretFile(passwordFile, `${password}\n`);
      }
    }
  }
  const subjects = await resolveSubjects(store, t, [{ kind: 'User', name: ADMIN_USER }]);
  await ensureObject(
    store,
    { kind: 'RoleBinding', name: 'admin-tenant-admin', spec: { role: 'tenant-admin', subjects } },
    t,
  );
  await ensureObject(
    store,
    { kind: 'RoleBinding', name: 'admin-system-admin', spec: { role: 'system-admin', subjects } },
    t,
  );
  const apiKeyFile = join(dataDir, 'admin-api-key');
  const keyState = await ensureAdminKey(store, apiKeyFile);
  return { apiKeyFile, created, keyState, ...(passwordFile ? { passwordFile } : {}) };
}

async function createIfMissing(
  store: ResourceRepository,
  scope: { tenant: string; projects: '*' },
  key: { kind: string; tenant: string; project: string; name: string },
  spec: Record<string, unknown>,
): Promise<boolean> {
  if (await store.get(scope, key)) return false;
  try {
    await store.create(scope, { key, spec }, actor);
    return true;
  } catch (err) {
    if ((err as { code?: string }).code === 'STRATA_ALREADY_EXISTS') return false;
    throw err;
  }
}

/**
 * Creates any missing built-in role in a tenant (users may not delete them for long: they return at start), and
 * brings a built-in role whose permissions differ from this release's back to them (a release may narrow one).
 */
export async function ensureBuiltinRoles(store: ResourceRepository, tenant: string): Promise<void> {
  const scope = { tenant, projects: '*' as const };
  for (const role of BUILTIN_ROLES) {
    const key = { kind: 'Role', tenant, project: '', name: role.name };
    const existing = await store.get(scope, key);
    const permissions = existing?.spec.permissions as string[] | undefined;
    if (
      existing?.metadata.labels[BUILTIN_LABEL] === 'true' &&
      !isDeepStrictEqual(permissions, role.permissions)
    ) {
      await store.update(scope, { key, spec: { ...existing.spec, permissions: role.permissions } }, actor);
      continue;
    }
    await ensureObject(
      store,
      {
        kind: 'Role',
        name: role.name,
        spec: { description: role.description, permissions: role.permissions },
        labels: { [BUILTIN_LABEL]: 'true' },
      },
      tenant,
    );
  }
}

async function ensureObject(
  store: ResourceRepository,
  o: { kind: string; name: string; spec: Record<string, unknown>; labels?: Record<string, string> },
  tenant: string,
): Promise<void> {
  const scope = { tenant, projects: '*' as const };
  const key = { kind: o.kind, tenant, project: '', name: o.name };
  if (await store.get(scope, key)) return;
  try {
    await store.create(scope, { key, spec: o.spec, labels: o.labels ?? {} }, actor);
  } catch (err) {
    // Another replica bootstrapping at the same moment created it first.
    if ((err as { code?: string }).code !== 'STRATA_ALREADY_EXISTS') throw err;
  }
}

/**
 * The admin key file of this data directory: kept while its key is valid; when the file is missing (a new data
 * directory, e.g. another replica) a new key with its own name is minted, so replicas never invalidate each other's
 * files. A key an operator revoked is not re-minted: the server says so instead.
 */
async function ensureAdminKey(store: ResourceRepository, file: string): Promise<BootstrapResult['keyState']> {
  const t = DEFAULT_TENANT;
  const scope = { tenant: t, projects: '*' as const };
  const onDisk = parseToken((await readFile(file, 'utf8').catch(() => '')).trim());
  if (onDisk) {
    const existing = await store.get(scope, { kind: 'ApiKey', tenant: t, project: '', name: onDisk.name });
    const hash = existing?.status.keyHash;
    const owner = await keyOwner(store, t, ADMIN_USER);
    const bound = existing?.status.userUid === owner.userUid && existing.status.tenantUid === owner.tenantUid;
    if (existing && bound && typeof hash === 'string' && secretMatches(onDisk.secret, hash)) {
      return existing.spec.revoked === true ? 'revoked' : 'valid';
    }
  }
  const name = `${ADMIN_KEY_NAME}-${randomBytes(4).toString('hex')}`;
  const secret = newSecret();
  await store.create(
    scope,
    {
      key: { kind: 'ApiKey', tenant: t, project: '', name },
      spec: { user: ADMIN_USER, description: 'bootstrap admin key (see the data directory)' },
      status: { keyHash: hashSecret(secret), ...(await keyOwner(store, t, ADMIN_USER)) },
    },
    actor,
  );
  await writeSecretFile(file, `${formatToken(t, name, secret)}\n`);
  return 'minted';
}

async function writeSecretFile(file: string, content: string): Promise<void> {
  await writeFile(file, content, { mode: 0o600 });
  await chmod(file, 0o600);
}
