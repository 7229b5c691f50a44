/**
 * The Rollout controller's phases. Select runs once (the first pass fixes who is in); observe reads the rollout's
 * clusters; decide picks the batch to start; act writes those clusters' specs through the ResourceService (the same
 * validation and audit as a user's write; never their status); summarise computes the next status (pure).
 */
import { ClusterKind, StrataError, type ClusterSpec, type ClusterSpecPart, type Resource } from '@strata/api';
import { listAll, type ResourceRepository } from '@strata/store';
import { systemPrincipal } from '../../auth/principal.js';
import { Result, type Phase } from '../../controller-runtime/index.js';
import { applyChange, samePart, specPart } from '../../fleet/rollout-change.js';
import { clusterId, heldClusters, selectClusters, targetSelection } from '../../fleet/selection.js';
import type { ResourceService } from '../../resources/resource-service.js';
import type { RolloutScope } from './rollout-scope.js';
import { changedIn, decide, startStatus, summariseRollout, type WriteOutcome } from './rollout-status.js';

export const ROLLOUT_SOURCE = 'rollout-controller';

export interface RolloutPhaseOptions {
  store: ResourceRepository;
  service: ResourceService;
}

const projectOf = (s: RolloutScope) => s.rollout.metadata.project || undefined;

export function selectPhase(o: RolloutPhaseOptions): Phase<RolloutScope> {
  return {
    name: 'select',
    async run(_ctx, scope) {
      if (scope.before.clusters) return Result.done();
      const { tenant, name } = scope.rollout.metadata;
      const selection = await targetSelection(o.store, tenant, projectOf(scope), scope.spec.target);
      // The target was valid when the rollout was created; a group deleted since selects nothing.
      scope.selected = Array.isArray(selection)
        ? []
        : await selectClusters(o.store, tenant, projectOf(scope), selection);
      scope.held = await heldClusters(o.store, tenant, {
        project: scope.rollout.metadata.project ?? '',
        name,
        createdAt: scope.rollout.metadata.createdAt,
      });
      return Result.done();
    },
  };
}

export function observePhase(o: RolloutPhaseOptions): Phase<RolloutScope> {
  return {
    name: 'observe',
    async run(_ctx, scope) {
      const members = (scope.before.clusters ?? []).filter((c) => c.state !== 'Skipped');
      const tenant = scope.rollout.metadata.tenant;
      for (const project of new Set(members.map((c) => c.project))) {
        const items = await listAll(o.store, { tenant, projects: [project] }, { kind: 'Cluster', project });
        for (const c of items) scope.observed.set(clusterId({ project, name: c.metadata.name }), c);
      }
      for (const c of members)
        if (!scope.observed.has(clusterId(c))) scope.observed.set(clusterId(c), undefined);
      return Result.done();
    },
  };
}

export function decidePhase(): Phase<RolloutScope> {
  return {
    name: 'decide',
    run(_ctx, scope) {
      scope.decision = decide({
        spec: scope.spec,
        status: scope.before,
        observed: scope.observed,
        now: scope.now,
      });
      return Promise.resolve(Result.done());
    },
  };
}

/** Writes the specs of the batch the decision starts; a cluster already as wanted is not written again. */
export function actPhase(o: RolloutPhaseOptions): Phase<RolloutScope> {
  return {
    name: 'act',
    async run(_ctx, scope) {
      const action = scope.decision?.action;
      if (!action) return Result.done();
      const entries =
        action.kind === 'start'
          ? (scope.before.clusters ?? []).filter((c) => c.batch === action.batch && c.state === 'Waiting')
          : changedIn(scope.before, action.batch);
      const ctx = { principal: systemPrincipal(scope.rollout.metadata.tenant, ROLLOUT_SOURCE) };
      for (const entry of entries) {
        const previous = entry.previous ?? {};
        const wanted = action.kind === 'start' ? applyChange(previous, scope.spec.change) : previous;
        const cluster = scope.observed.get(clusterId(entry));
        const from = action.kind === 'start' ? previous : applyChange(previous, scope.spec.change);
        scope.written.set(
          clusterId(entry),
          await writeCluster(o.service, ctx, entry.project, cluster, wanted, from),
        );
      }
      return Result.done();
    },
  };
}

/**
 * Moves one cluster's spec from `from` to `wanted`. Already `wanted` (this pass's write landed before a crash):
 * nothing is written. Neither (someone changed the cluster since the rollout read it): refused, not overwritten.
 */
async function writeCluster(
  service: ResourceService,
  ctx: { principal: ReturnType<typeof systemPrincipal> },
  project: string,
  cluster: Resource | undefined,
  wanted: ClusterSpecPart,
  from: ClusterSpecPart,
): Promise<WriteOutcome> {
  if (!cluster) return { reason: 'ClusterDeleted', message: 'the cluster was deleted' };
  const masked = specPart(
    (await service.get(ctx, { kind: ClusterKind, project }, cluster.metadata.name))
      .spec as unknown as ClusterSpec,
  );
  if (samePart(masked, wanted)) return { generation: cluster.metadata.generation };
  if (!samePart(masked, from)) {
    return {
      reason: 'ChangedOutsideRollout',
      message: 'the cluster spec changed since the rollout started; it was left alone',
    };
  }
  const policy = (wanted.policy ?? {}) as Record<string, unknown>;
  const patch = {
    metadata: { resourceVersion: cluster.metadata.resourceVersion },
    spec: {
      profiles: wanted.profiles ?? null,
      kubernetesVersion: wanted.kubernetesVersion ?? null,
      policy: {
        drift: policy.drift ?? null,
        repave: policy.repave ?? null,
        paused: policy.paused ?? null,
      },
    },
  };
  try {
    const updated = await service.patch(ctx, { kind: ClusterKind, project }, cluster.metadata.name, patch);
    return { generation: updated.metadata.generation };
  } catch (err) {
    // The cluster refuses the change (unresolvable stack, skew, a version gone): that cluster fails, with why.
    if (err instanceof StrataError && err.code === 'STRATA_VALIDATION_FAILED') {
      const detail = err.issues?.map((i) => `${i.path}: ${i.message}`).join('; ');
      return { reason: 'Refused', message: detail || err.message };
    }
    throw err;
  }
}

export function summarisePhase(): Phase<RolloutScope> {
  return {
    name: 'summarise',
    run(_ctx, scope) {
      const start = scope.selected
        ? startStatus({
            spec: scope.spec,
            selected: scope.selected,
            held: scope.held ?? new Map(),
            now: scope.now,
          })
        : undefined;
      scope.status = summariseRollout({
        spec: scope.spec,
        generation: scope.rollout.metadata.generation,
        before: scope.before,
        ...(start ? { start } : {}),
        decision: scope.decision ?? {},
        written: scope.written,
        observed: scope.observed,
        now: scope.now,
      });
      return Promise.resolve(Result.done());
    },
  };
}
