import { validationError, type Issue, type Resource } from '@strata/api';
import { listAll, type DeleteCascade, type ObjectKey, type ResourceRepository } from '@strata/store';

/** A role binding's subject as stored: the name is for display, the UID is what the binding grants to. */
export interface SubjectRef {
  kind: string;
  name: string;
  uid?: string;
}

const NOT_FOUND = 'STRATA_REFERENCE_NOT_FOUND';

async function uidOf(
  store: ResourceRepository,
  tenant: string,
  kind: string,
  name: string,
): Promise<string | undefined> {
  const found = await store.get({ tenant, projects: '*' }, { kind, tenant, project: '', name });
  return found && !found.metadata.deletedAt ? found.metadata.uid : undefined;
}

/**
 * Resolves every subject's name to the UID of the user or team that has the name now. A name that resolves to
 * nothing, or a UID sent back that is no longer the name's (deleted and made again), is an issue naming the subject.
 */
export async function checkSubjects(
  store: ResourceRepository,
  tenant: string,
  subjects: readonly SubjectRef[],
): Promise<{ subjects: SubjectRef[]; issues: Issue[] }> {
  const issues: Issue[] = [];
  const resolved = await Promise.all(
    subjects.map(async (s, i) => {
      const uid = await uidOf(store, tenant, s.kind, s.name);
      const path = `/spec/subjects/${i}`;
      if (!uid) {
        issues.push({
          path: `${path}/name`,
          message: `${s.kind} "${s.name}" does not exist`,
          code: NOT_FOUND,
        });
      } else if (s.uid !== undefined && s.uid !== uid) {
        issues.push({
          path: `${path}/uid`,
          message: `${s.kind} "${s.name}" is no longer the one this uid names (it was deleted); leave uid out to bind the current one`,
        });
      }
      return { kind: s.kind, name: s.name, ...(uid ? { uid } : {}) };
    }),
  );
  return { subjects: resolved, issues };
}

/** The subjects with their UIDs; a 422 when any cannot be resolved. */
export async function resolveSubjects(
  store: ResourceRepository,
  tenant: string,
  subjects: readonly SubjectRef[],
): Promise<SubjectRef[]> {
  const checked = await checkSubjects(store, tenant, subjects);
  if (checked.issues.length > 0) throw validationError(checked.issues);
  return checked.subjects;
}

/** The UIDs of a team's members, and an issue for each name that resolves to no user. */
export async function checkMembers(
  store: ResourceRepository,
  tenant: string,
  members: readonly string[],
): Promise<{ uids: string[]; issues: Issue[] }> {
  const issues: Issue[] = [];
  const uids = await Promise.all(
    members.map(async (m, i) => {
      const uid = await uidOf(store, tenant, 'User', m);
      if (!uid)
        issues.push({ path: `/spec/members/${i}`, message: `user "${m}" does not exist`, code: NOT_FOUND });
      return uid ?? '';
    }),
  );
  return { uids: [...new Set(uids)], issues };
}

/** The member UIDs to store; a 422 when any member cannot be resolved. */
export async function resolveMembers(
  store: ResourceRepository,
  tenant: string,
  members: readonly string[],
): Promise<string[]> {
  const checked = await checkMembers(store, tenant, members);
  if (checked.issues.length > 0) throw validationError(checked.issues);
  return checked.uids;
}

function keyOf(o: Resource): ObjectKey {
  return {
    kind: o.kind,
    tenant: o.metadata.tenant,
    project: o.metadata.project ?? '',
    name: o.metadata.name,
  };
}

/** Does a subject entry name this user or team (by UID; by name only in entries written before UIDs)? */
function refersTo(s: SubjectRef, target: Resource): boolean {
  if (s.kind !== target.kind) return false;
  return s.uid === undefined ? s.name === target.metadata.name : s.uid === target.metadata.uid;
}

/** Removes a deleted user or team from every role binding: a binding left without subjects is deleted. */
async function bindingWrites(store: ResourceRepository, target: Resource): Promise<DeleteCascade> {
  const tenant = target.metadata.tenant;
  const cascade: Required<Pick<DeleteCascade, 'updates' | 'deletes'>> = { updates: [], deletes: [] };
  for (const b of await listAll(store, { tenant, projects: '*' }, { kind: 'RoleBinding' })) {
    const subjects = (b.spec.subjects as SubjectRef[] | undefined) ?? [];
    const kept = subjects.filter((s) => !refersTo(s, target));
    if (kept.length === subjects.length) continue;
    const at = { key: keyOf(b), resourceVersion: b.metadata.resourceVersion };
    if (kept.length === 0) cascade.deletes.push(at);
    else cascade.updates.push({ ...at, spec: { ...b.spec, subjects: kept } });
  }
  return cascade;
}

/**
 * What goes with a user: its role-binding entries, its team memberships and its API keys, all in the delete's
 * transaction, so a user made later under the same name starts with nothing.
 */
export async function userCascade(store: ResourceRepository, user: Resource): Promise<DeleteCascade> {
  const tenant = user.metadata.tenant;
  const scope = { tenant, projects: '*' as const };
  const { updates = [], deletes = [] } = await bindingWrites(store, user);
  for (const t of await listAll(store, scope, { kind: 'Team' })) {
    const members = (t.spec.members as string[] | undefined) ?? [];
    const uids = (t.spec.memberUids as string[] | undefined) ?? [];
    if (!members.includes(user.metadata.name) && !uids.includes(user.metadata.uid)) continue;
    updates.push({
      key: keyOf(t),
      resourceVersion: t.metadata.resourceVersion,
      spec: {
        ...t.spec,
        members: members.filter((m) => m !== user.metadata.name),
        memberUids: uids.filter((u) => u !== user.metadata.uid),
      },
    });
  }
  for (const k of await listAll(store, scope, { kind: 'ApiKey' })) {
    const owned = k.status.userUid === user.metadata.uid || k.spec.user === user.metadata.name;
    if (owned) deletes.push({ key: keyOf(k), resourceVersion: k.metadata.resourceVersion });
  }
  return { updates, deletes };
}

/** What goes with a team: its entries in role bindings. */
export function teamCascade(store: ResourceRepository, team: Resource): Promise<DeleteCascade> {
  return bindingWrites(store, team);
}
