/**
 * Repave approval is user intent, so it lives in spec (`spec.repaveApproval`, decision 0006): it names the pending
 * repave (`status.pendingRepave.id`) it approves. It goes through the normal write path, so the audit log shows who
 * approved what; the controller reads it from spec. Status stays output only.
 */
import {
  ClusterKind,
  StrataError,
  type ClusterSpec,
  type ClusterStatus,
  type RepaveApproval,
  type Resource,
} from '@strata/api';
import { authorize, type Target } from '../resources/access.js';
import type { HookContext } from '../resources/kind-hooks.js';
import type { RequestContext, ResourceService } from '../resources/resource-service.js';

/**
 * `POST .../approve-repave`: approves the repave the cluster waits for, by writing its id to spec.repaveApproval
 * (a merge patch: it lands on the newest object even when the agent's reports moved its status meanwhile).
 * 409 when no repave is pending; approving an approved one changes nothing.
 */
export async function approveRepave(
  service: ResourceService,
  ctx: RequestContext,
  target: Target,
  name: string,
): Promise<Resource> {
  const current = await service.get(ctx, target, name);
  authorize(ctx.principal, target, 'approve-repave');
  const pending = (current.status as ClusterStatus).pendingRepave;
  if (!pending) {
    throw new StrataError('STRATA_CONFLICT', `cluster "${name}" has no repave waiting for approval`);
  }
  const approval = (current.spec as unknown as ClusterSpec).repaveApproval;
  if (pending.approved || approval?.id === pending.id) return current;
  return service.patch(ctx, target, name, { spec: { repaveApproval: { id: pending.id } } });
}

/**
 * The stored form of spec.repaveApproval, on every write of a Cluster: a new approval needs `cluster.approve-repave`
 * (a plain update cannot approve for someone who may not) and records the caller as `approvedBy` (a given value is
 * replaced); the approval already stored stays as it was, with who gave it.
 */
export function stampRepaveApproval(
  ctx: HookContext,
  spec: Record<string, unknown>,
  previous: Resource | undefined,
): Record<string, unknown> {
  const given = spec.repaveApproval as RepaveApproval | undefined;
  if (!given) return spec;
  const stored = previous?.spec.repaveApproval as RepaveApproval | undefined;
  if (stored?.id === given.id) return { ...spec, repaveApproval: stored };
  authorize(ctx.principal, { kind: ClusterKind, project: ctx.project }, 'approve-repave');
  return { ...spec, repaveApproval: { id: given.id, approvedBy: ctx.principal.name } };
}
