/** Turns a plan's repave into the Cluster status field `pendingRepave` (what `approve-repave` approves). */
import type { ClusterPlan, RepaveReason } from './plan-cluster-change.js';

export interface PendingRepave {
  /** One line for people, e.g. "Kubernetes v1.36.3 → v1.37.0; OS layer changed". */
  reason: string;
  /** Pools in repave order (control plane first). */
  pools: string[];
  /** True when policy.repave is `automatic` (no approval needed). */
  approved: boolean;
}

/** undefined when the plan repaves nothing. */
export function pendingRepave(plan: ClusterPlan): PendingRepave | undefined {
  if (plan.repave.length === 0) return undefined;
  const reasons = new Set<RepaveReason>(plan.pools.flatMap((p) => p.repave?.reasons ?? []));
  const parts: string[] = [];
  if (reasons.has('kubernetes')) {
    const v = plan.kubernetesVersion;
    parts.push(v ? `Kubernetes ${v.from ?? '?'} → ${v.to ?? '?'}` : 'Kubernetes layer changed');
  }
  if (reasons.has('os')) parts.push('OS layer changed');
  const machine = plan.pools.filter((p) => p.repave?.reasons.includes('machine')).map((p) => p.name);
  if (machine.length > 0) parts.push(`machine spec of ${machine.join(', ')} changed`);
  return { reason: parts.join('; '), pools: plan.repave, approved: !plan.approvalRequired };
}
