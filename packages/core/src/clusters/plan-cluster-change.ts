/**
 * Day-2 change classification (SPEC.md §3): what a proposed Cluster spec (and its resolved stack) does
 * compared with the current one. Pure; shown before anything happens.
 *
 * Rules:
 * - A change of the OS layer, the Kubernetes version (k8s layer or spec.kubernetesVersion) → repave of every pool.
 *   The OS and k8s layers configure the machines themselves, so any change to them (values too) repaves.
 * - A change of a pool's machine shape (instanceType, cpu, memory) → repave of that pool.
 * - Labels, taints and updateStrategy change in place (the provider patches the nodes); no repave.
 * - A count change → scale. CNI/CSI/add-on layer changes → in-place apply by the agent.
 * - Repaves run control-plane pools first, then workers (each rolling per its updateStrategy).
 * - Approval is needed for a repave unless policy.repave is `automatic`. `policy.paused` blocks everything.
 */
import type { ClusterPlan, ClusterSpec, NodePool, PoolPlan, RepaveReason, StackDiff } from '@strata/api';
import { canonicalJson } from '../util/json.js';
import { diffStacks } from '../profiles/diff-stacks.js';
import type { ResolvedStack } from '../profiles/resolved-stack.js';

/** The plan's shape lives in @strata/api (the CLI and the console read it); core computes it. */
export type { ClusterPlan, PoolPlan, RepaveReason } from '@strata/api';

export interface ClusterSnapshot {
  spec: ClusterSpec;
  /** The resolved stack of the attached profiles (omit when not resolved, e.g. no profiles). */
  stack?: ResolvedStack;
}

const MACHINE_FIELDS = ['instanceType', 'cpu', 'memory'] as const;
const IN_PLACE_FIELDS = ['labels', 'taints', 'updateStrategy', 'min', 'max'] as const;

/** The Kubernetes version a spec asks for: explicit, or the k8s layer's (from-profile). */
export function effectiveKubernetesVersion(state: ClusterSnapshot): string | undefined {
  const explicit = state.spec.kubernetesVersion;
  if (explicit !== undefined && explicit !== 'from-profile') return explicit.replace(/^v?/, 'v');
  const v = state.stack?.kubernetesVersion;
  return v === undefined ? undefined : v.replace(/^v?/, 'v');
}

function layerKind(stack: ResolvedStack | undefined, profile: string, name: string): string | undefined {
  return stack?.layers.find((l) => l.profile.name === profile && l.name === name)?.layer;
}

/** Which machine-wide layers (os, k8s) differ between the stacks. */
function machineLayerChanges(
  current?: ResolvedStack,
  proposed?: ResolvedStack,
  diff?: StackDiff,
): Set<string> {
  const kinds = new Set<string>();
  if (!diff) return kinds;
  for (const a of diff.added) kinds.add(layerKind(proposed, a.profile, a.name) ?? '');
  for (const r of diff.removed) kinds.add(layerKind(current, r.profile, r.name) ?? '');
  for (const c of diff.changed) kinds.add(layerKind(proposed, c.profile, c.name) ?? '');
  return new Set([...kinds].filter((k) => k === 'os' || k === 'k8s'));
}

const same = (a: unknown, b: unknown): boolean => canonicalJson(a ?? null) === canonicalJson(b ?? null);

function planPool(
  from: NodePool | undefined,
  to: NodePool | undefined,
  global: RepaveReason[],
): PoolPlan | undefined {
  const pool = (to ?? from) as NodePool;
  const plan: PoolPlan = { name: pool.name, controlPlane: pool.controlPlane === true, inPlace: [] };
  if (!from) return { ...plan, lifecycle: 'create', scale: { from: 0, to: pool.count } };
  if (!to) return { ...plan, lifecycle: 'delete', scale: { from: from.count, to: 0 } };
  if (from.count !== to.count) plan.scale = { from: from.count, to: to.count };
  const reasons = [...global];
  if (MACHINE_FIELDS.some((f) => !same(from[f], to[f]))) reasons.push('machine');
  if (reasons.length > 0) plan.repave = { reasons };
  plan.inPlace = IN_PLACE_FIELDS.filter((f) => !same(from[f], to[f]));
  if (Boolean(from.controlPlane) !== Boolean(to.controlPlane)) {
    plan.repave = { reasons: [...new Set([...reasons, 'machine' as const])] };
  }
  return plan.scale || plan.repave || plan.inPlace.length > 0 ? plan : undefined;
}

/** Classifies a proposed change of a Cluster (spec and resolved stack). */
export function planClusterChange(input: {
  current: ClusterSnapshot;
  proposed: ClusterSnapshot;
}): ClusterPlan {
  const { current, proposed } = input;
  const layers = current.stack && proposed.stack ? diffStacks(current.stack, proposed.stack) : undefined;
  const machineLayers = machineLayerChanges(current.stack, proposed.stack, layers);
  const versionFrom = effectiveKubernetesVersion(current);
  const versionTo = effectiveKubernetesVersion(proposed);
  const global: RepaveReason[] = [];
  if (machineLayers.has('os')) global.push('os');
  if (machineLayers.has('k8s') || versionFrom !== versionTo) global.push('kubernetes');
  const fromPools = new Map(current.spec.nodePools.map((p) => [p.name, p]));
  const toNames = new Set(proposed.spec.nodePools.map((p) => p.name));
  const plans: PoolPlan[] = [];
  for (const to of proposed.spec.nodePools) {
    const p = planPool(fromPools.get(to.name), to, global);
    if (p) plans.push(p);
  }
  for (const from of current.spec.nodePools) {
    if (!toNames.has(from.name)) plans.push(planPool(from, undefined, global) as PoolPlan);
  }
  const pools = [...plans.filter((p) => p.controlPlane), ...plans.filter((p) => !p.controlPlane)];
  const repave = pools.filter((p) => p.repave && p.lifecycle === undefined).map((p) => p.name);
  const approvalRequired = repave.length > 0 && proposed.spec.policy?.repave !== 'automatic';
  const specChanged = !same(current.spec, proposed.spec);
  return {
    ...(layers ? { layers } : {}),
    pools,
    ...(versionFrom !== versionTo ? { kubernetesVersion: { from: versionFrom, to: versionTo } } : {}),
    repave,
    approvalRequired,
    paused: proposed.spec.policy?.paused === true,
    unchanged: pools.length === 0 && (layers?.unchanged ?? true) && !specChanged,
  };
}
