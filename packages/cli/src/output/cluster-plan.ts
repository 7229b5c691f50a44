import type {
  ClusterPlan,
  ObjectRef,
  PoolPlan,
  RepaveReason,
  StackDiff,
  StackLayerChange,
} from '@strata/api';
import { fieldLine, indentText, valueLine } from './diff-lines.js';

export interface PlanTextOptions {
  /** The cluster's name. */
  cluster: string;
  /** Added to the approve-repave hint as `-p PROJECT`. */
  project?: string | undefined;
}

const REASONS: Record<RepaveReason, string> = {
  os: 'OS layer changed',
  kubernetes: 'Kubernetes version changed',
  machine: 'machine shape changed',
};

/**
 * A readable plan: layers (`+` added, `-` removed, `>` moved, `~` changed with fields, values and objects),
 * the Kubernetes version change, node pools in execution order (create/delete, scale, repave with reasons,
 * in-place fields), then one line saying whether a repave waits for approval, and one when the cluster is paused.
 */
export function clusterPlanText(plan: ClusterPlan, options: PlanTextOptions): string {
  const lines = [`Plan for cluster/${options.cluster}:${plan.unchanged ? ' no changes' : ''}`];
  if (plan.layers && hasLayerChanges(plan.layers)) lines.push('Layers:', ...layerLines(plan.layers));
  const version = plan.kubernetesVersion;
  if (version) lines.push(`Kubernetes version: ${version.from ?? '<none>'} -> ${version.to ?? '<none>'}`);
  if (plan.pools.length > 0) lines.push('Node pools:', ...plan.pools.map(poolLine));
  if (!plan.unchanged) lines.push(approvalLine(plan, options));
  if (plan.paused)
    lines.push('Paused: policy.paused is set; nothing is applied until the cluster is unpaused.');
  return `${lines.join('\n')}\n`;
}

function approvalLine(plan: ClusterPlan, options: PlanTextOptions): string {
  if (plan.repave.length === 0) return 'No approval needed: no node pool is repaved.';
  const pools = plan.repave.join(', ');
  if (!plan.approvalRequired)
    return `No approval needed: ${pools} repave automatically (policy.repave: automatic).`;
  const project = options.project ? ` -p ${options.project}` : '';
  return `Approval required: the repave of ${pools} waits for "strata cluster approve-repave ${options.cluster}${project}".`;
}

function hasLayerChanges(diff: StackDiff): boolean {
  return diff.added.length + diff.removed.length + diff.reordered.length + diff.changed.length > 0;
}

function layerLines(diff: StackDiff): string[] {
  const id = (l: { profile: string; name: string }) => `${l.profile}/${l.name}`;
  return [
    ...diff.added.map((l) => `  + ${id(l)} (added at position ${l.index + 1})`),
    ...diff.removed.map((l) => `  - ${id(l)} (removed from position ${l.index + 1})`),
    ...diff.reordered.map((l) => `  > ${id(l)} (moved from position ${l.from + 1} to ${l.to + 1})`),
    ...diff.changed.flatMap(changedLayerLines),
  ];
}

function changedLayerLines(change: StackLayerChange): string[] {
  const lines = [`  ~ ${change.profile}/${change.name} (changed)`];
  for (const f of change.fields) lines.push(`      ${fieldLine(f)}`);
  // Structured changes read best; the text diff covers what they cannot show (a value that is not a map).
  if (change.values.changes.length > 0)
    lines.push('      values:', ...change.values.changes.map((c) => `        ${valueLine(c)}`));
  else if (change.values.text) lines.push('      values:', ...indentText(change.values.text, 8));
  const objects = change.objects;
  if (objects.added.length + objects.removed.length + objects.changed.length > 0) {
    lines.push('      objects:');
    for (const o of objects.added) lines.push(`        + ${objectLine(o)}`);
    for (const o of objects.removed) lines.push(`        - ${objectLine(o)}`);
    for (const o of objects.changed) {
      lines.push(`        ~ ${objectLine(o.object)}`);
      lines.push(...o.changes.map((c) => `            ${valueLine(c)}`));
    }
  }
  return lines;
}

function poolLine(pool: PoolPlan): string {
  const parts: string[] = [];
  if (pool.lifecycle === 'create') parts.push(`create with ${pool.scale?.to ?? 0} ${nodes(pool.scale?.to)}`);
  else if (pool.lifecycle === 'delete')
    parts.push(`delete (${pool.scale?.from ?? 0} ${nodes(pool.scale?.from)})`);
  else if (pool.scale) parts.push(`scale ${pool.scale.from} -> ${pool.scale.to}`);
  if (pool.repave && pool.lifecycle === undefined)
    parts.push(`repave (${pool.repave.reasons.map((r) => REASONS[r] ?? r).join(', ')})`);
  if (pool.inPlace.length > 0) parts.push(`in place: ${pool.inPlace.join(', ')}`);
  const marker = pool.lifecycle === 'create' ? '+' : pool.lifecycle === 'delete' ? '-' : '~';
  const role = pool.controlPlane ? ' (control plane)' : '';
  return `  ${marker} ${pool.name}${role}: ${parts.join('; ')}`;
}

const nodes = (n: number | undefined) => (n === 1 ? 'node' : 'nodes');

function objectLine(o: ObjectRef): string {
  return `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;
}
