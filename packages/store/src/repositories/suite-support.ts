import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { StrataError, type ErrorCode } from '@strata/api';
import type { TestBackend, TestDatabase } from '../test-databases.js';
import type { AccessScope, Actor, ObjectKey } from '../types.js';
import { KyselyResourceRepository, type ResourceRepositoryOptions } from './resources.js';

export const actor: Actor = { name: 'user:alice', requestId: 'req-1' };
export const tenantAdmin = (tenant: string): AccessScope => ({ tenant, projects: '*' });

let counter = 0;
/** A unique DNS-1123 name, so tests sharing a database never collide. */
export function uniqueName(prefix = 'obj'): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}`;
}

export function key(tenant: string, project: string, name: string, kind = 'Widget'): ObjectKey {
  return { kind, tenant, project, name };
}

/** Opens one fresh database for the enclosing describe() and closes it afterwards. */
export function useDatabase(backend: TestBackend, options?: Omit<ResourceRepositoryOptions, 'db'>) {
  const state: { db?: TestDatabase; repo?: KyselyResourceRepository } = {};
  before(async () => {
    state.db = await backend.create();
    state.repo = new KyselyResourceRepository({ db: state.db.handle.db, ...options });
  });
  after(async () => {
    await state.db?.dispose();
  });
  return {
    get repo(): KyselyResourceRepository {
      assert.ok(state.repo, 'database not opened');
      return state.repo;
    },
    get database(): TestDatabase {
      assert.ok(state.db, 'database not opened');
      return state.db;
    },
  };
}

export async function rejectsWith(promise: Promise<unknown>, code: ErrorCode): Promise<StrataError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof StrataError, `expected StrataError ${code}, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail(`expected ${code}, but the call succeeded`);
}
