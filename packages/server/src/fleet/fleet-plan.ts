/**
 * A rollout's plan: what it would do to every selected cluster, from the same code as `strata cluster plan` (every
 * check of the update, dry-run, and the diff of the two stacks).
 *
 * Clusters of one project with the same stored spec get the same change, so the first of them is planned and the
 * others share its outcome — unless the templates of its stacks read the cluster's own name or uid
 * (`.system.cluster.*`), which is all that differs between them; then each is planned alone. What the plan checks of
 * metadata (labels and annotations, written back as they are) and what providers check (the spec) does not tell such
 * clusters apart. The batch and the maintenance window (groups select by labels) stay per cluster.
 */
import {
  ClusterKind,
  StrataError,
  type ClusterSpec,
  type PlanOutcome,
  type Resource,
  type RolloutPlan,
  type RolloutPlanCluster,
  type RolloutSpec,
} from '@strata/api';
import { canonicalJson } from '@strata/core';
import type { ClusterRoutesOptions } from '../clusters/cluster-route-options.js';
import { planClusterUpdate, planStacks } from '../clusters/cluster-plan-route.js';
import { startStatus } from '../controllers/rollout/rollout-status.js';
import type { Target } from '../resources/access.js';
import type { RequestContext } from '../resources/resource-service.js';
import { effectiveMaintenance, maintenanceGroups, windowState } from './maintenance.js';
import { applyChange, specPart } from './rollout-change.js';
import { heldClusters, selectClusters, targetSelection } from './selection.js';

/** Concurrent plans at a time: each resolves two stacks. */
const PLAN_CONCURRENCY = 16;

/** A cluster's outcome without what is its own: its name, batch and window. */
type Outcome = Omit<RolloutPlanCluster, 'project' | 'name' | 'batch' | 'window'>;

interface Planned {
  outcome: Outcome;
  /** Whether clusters of the same project and spec share the outcome (the stacks did not read the cluster's identity). */
  shareable: boolean;
}

/** The system values that differ between clusters of one project with the same spec. */
const IDENTITY_READS = ['cluster.name', 'cluster.uid'];

const readsIdentity = (reads: readonly string[]) => reads.some((r) => IDENTITY_READS.includes(r));

export async function planRollout(
  o: ClusterRoutesOptions,
  ctx: RequestContext,
  rollout: Resource,
): Promise<RolloutPlan> {
  const spec = rollout.spec as unknown as RolloutSpec;
  const tenant = ctx.principal.tenant;
  const project = rollout.metadata.project || undefined;
  const selection = await targetSelection(o.store, tenant, project, spec.target);
  if (Array.isArray(selection))
    throw new StrataError('STRATA_VALIDATION_FAILED', 'the target is not valid', selection);
  const selected = await selectClusters(o.store, tenant, project, selection);
  const held = await heldClusters(o.store, tenant, undefined);
  const now = new Date();
  const start = startStatus({ spec, selected, held, now });
  const byId = new Map(selected.map((c) => [`${c.metadata.project ?? ''}/${c.metadata.name}`, c]));
  const plans = sharedPlans(o, ctx, spec);
  const window = windows(o, now);
  const entries = start.clusters ?? [];
  const out: RolloutPlanCluster[] = new Array<RolloutPlanCluster>(entries.length);
  let next = 0;
  const work = async () => {
    while (next < entries.length) {
      const i = next++;
      const e = entries[i]!;
      const base = { project: e.project, name: e.name };
      if (e.state === 'Skipped') {
        out[i] = { ...base, batch: -1, outcome: 'skip', reason: e.reason!, message: e.message ?? '' };
        continue;
      }
      const cluster = byId.get(`${e.project}/${e.name}`)!;
      const outcome = await plans(cluster);
      const open =
        outcome.outcome === 'change' && (outcome.repave ?? []).length > 0 ? await window(cluster) : undefined;
      out[i] = { ...base, batch: e.batch, ...outcome, ...(open ? { window: open } : {}) };
    }
  };
  await Promise.all(Array.from({ length: Math.min(PLAN_CONCURRENCY, entries.length) }, work));
  const summary: Record<PlanOutcome, number> = { change: 0, skip: 0, blocked: 0 };
  for (const c of out) summary[c.outcome]++;
  return {
    batches: (start.batches ?? []).map((b) => ({ name: b.name, clusters: b.clusters })),
    clusters: out,
    summary,
  };
}

/** Plans a cluster, or takes the outcome of the first cluster of its project with the same spec when shareable. */
function sharedPlans(
  o: ClusterRoutesOptions,
  ctx: RequestContext,
  spec: RolloutSpec,
): (cluster: Resource) => Promise<Outcome> {
  const first = new Map<string, Promise<Planned>>();
  return async (cluster) => {
    const key = `${cluster.metadata.project ?? ''}\n${canonicalJson(cluster.spec)}`;
    const shared = first.get(key);
    if (!shared) {
      const planned = planOne(o, ctx, cluster, spec);
      first.set(key, planned);
      return (await planned).outcome;
    }
    const planned = await shared;
    return planned.shareable ? planned.outcome : (await planOne(o, ctx, cluster, spec)).outcome;
  };
}

/** One cluster through the cluster plan: a dry-run update with the rollout's change, and the diff of its stacks. */
export async function planOne(
  o: ClusterRoutesOptions,
  ctx: RequestContext,
  cluster: Resource,
  spec: RolloutSpec,
): Promise<Planned> {
  const target: Target = { kind: ClusterKind, project: cluster.metadata.project ?? '' };
  const current = await o.service.get(ctx, target, cluster.metadata.name);
  const currentSpec = current.spec as unknown as ClusterSpec;
  const wanted = applyChange(specPart(currentSpec), spec.change);
  const proposed: Record<string, unknown> = { ...currentSpec, ...wanted };
  for (const k of ['profiles', 'kubernetesVersion', 'policy'] as const)
    if (wanted[k] === undefined) delete proposed[k];
  try {
    const { plan, systemReads } = await planClusterUpdate(o, ctx, target, current, proposed);
    const layers = plan.layers;
    const name = (l: { profile: string; name: string }) => `${l.profile}/${l.name}`;
    return {
      outcome: {
        outcome: 'change',
        ...(layers
          ? {
              layers: {
                added: layers.added.map(name),
                removed: layers.removed.map(name),
                changed: layers.changed.map(name),
              },
            }
          : {}),
        repave: plan.repave,
        approvalRequired: plan.approvalRequired,
        ...(plan.kubernetesVersion ? { kubernetesVersion: plan.kubernetesVersion } : {}),
      },
      shareable: !readsIdentity(systemReads),
    };
  } catch (err) {
    if (!(err instanceof StrataError) || err.code !== 'STRATA_VALIDATION_FAILED') throw err;
    const message = err.issues?.map((i) => `${i.path}: ${i.message}`).join('; ') || err.message;
    // Refused before the stacks were compared: resolve them to learn whether their templates read the identity.
    const { from, to } = await planStacks(o, current, proposed, proposed);
    return {
      outcome: { outcome: 'blocked', reason: 'Refused', message },
      shareable: !readsIdentity([...from.systemReads, ...to.systemReads]),
    };
  }
}

/** Where `now` is in the windows that apply to a cluster, if any; each scope's groups are read once. */
function windows(
  o: ClusterRoutesOptions,
  now: Date,
): (cluster: Resource) => Promise<RolloutPlanCluster['window']> {
  const groups = new Map<string, Promise<Resource[]>>();
  const groupsOf = (tenant: string, project: string) => {
    const key = `${tenant}/${project}`;
    if (!groups.has(key)) groups.set(key, maintenanceGroups(o.store, tenant, project));
    return groups.get(key)!;
  };
  return async (cluster) => {
    const found = await effectiveMaintenance(o.store, cluster, groupsOf);
    if (!found) return undefined;
    const state = windowState(found.maintenance, now);
    return {
      open: state.open,
      source: found.source,
      ...(state.next ? { next: state.next.toISOString() } : {}),
    };
  };
}
