/**
 * Choosing discovered workloads for the generated profile's manifest layers: keys, names, grouping by namespace,
 * the filter, and the selection as the `generate-profile` request wants it. Pure.
 */
import { MAX_SELECTED_OBJECTS, objectItem, type DiscoveredWorkload, type SelectedObject } from '@strata/api';
import { matchesSearch } from '../../lib/format';

export { MAX_SELECTED_OBJECTS, objectItem };

/** Selected workloads, by workloadKey. */
export type WorkloadSelection = ReadonlySet<string>;

/** The group of cluster-scoped workloads (no namespace). */
export const CLUSTER_SCOPED = 'cluster-scoped';

/** One discovered workload's identity (apiVersion included: the same kind can come from two API groups). */
export function workloadKey(w: DiscoveredWorkload): string {
  return [w.apiVersion, w.kind, w.namespace ?? '', w.name].join(' ');
}

export interface WorkloadGroup {
  /** '' for cluster-scoped. */
  namespace: string;
  label: string;
  items: DiscoveredWorkload[];
}

/** By namespace: cluster-scoped first, then namespaces by name; inside, by kind then name. */
export function groupByNamespace(workloads: readonly DiscoveredWorkload[]): WorkloadGroup[] {
  const byNs = new Map<string, DiscoveredWorkload[]>();
  for (const w of workloads) {
    const ns = w.namespace ?? '';
    const items = byNs.get(ns);
    if (items) items.push(w);
    else byNs.set(ns, [w]);
  }
  return [...byNs.keys()]
    .sort((a, b) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b)))
    .map((namespace) => ({
      namespace,
      label: namespace === '' ? CLUSTER_SCOPED : namespace,
      items: byNs
        .get(namespace)!
        .sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name)),
    }));
}

/** The workloads whose kind, namespace (or "cluster-scoped") and name match every word of `query`. */
export function filterWorkloads(
  workloads: readonly DiscoveredWorkload[],
  query: string,
): readonly DiscoveredWorkload[] {
  if (!query.trim()) return workloads;
  return workloads.filter((w) => matchesSearch(query, [w.kind, w.namespace ?? CLUSTER_SCOPED, w.name]));
}

/**
 * Accessible names of the workloads' checkboxes: `Kind namespace/name`, with the API version added when two
 * discovered workloads would otherwise share a name.
 */
export function workloadLabels(workloads: readonly DiscoveredWorkload[]): Map<string, string> {
  const seen = new Map<string, number>();
  for (const w of workloads) seen.set(objectItem(w), (seen.get(objectItem(w)) ?? 0) + 1);
  return new Map(
    workloads.map((w) => {
      const item = objectItem(w);
      return [workloadKey(w), (seen.get(item) ?? 0) > 1 ? `${item} (${w.apiVersion})` : item];
    }),
  );
}

/** The selected workloads that are still discovered, in discovery order. */
export function selectedWorkloads(
  workloads: readonly DiscoveredWorkload[],
  selection: WorkloadSelection,
): DiscoveredWorkload[] {
  if (selection.size === 0) return [];
  return workloads.filter((w) => selection.has(workloadKey(w)));
}

/** The `objects` of the `generate-profile` request: the selected workloads still discovered, with apiVersion. */
export function toSelectedObjects(
  workloads: readonly DiscoveredWorkload[],
  selection: WorkloadSelection,
): SelectedObject[] {
  return selectedWorkloads(workloads, selection).map((w) => ({
    apiVersion: w.apiVersion,
    kind: w.kind,
    ...(w.namespace ? { namespace: w.namespace } : {}),
    name: w.name,
  }));
}

/** The selection after a click, or why the click was refused (MAX_SELECTED_OBJECTS). */
export type SelectionChange = { next: Set<string> } | { refused: string };

const many = (n: number, word: string) => `${n.toLocaleString('en')} ${word}${n === 1 ? '' : 's'}`;

/** Selects or unselects one workload (`key`, named `label`); selecting one more than the limit is refused. */
export function toggleWorkload(chosen: WorkloadSelection, key: string, label: string): SelectionChange {
  const next = new Set(chosen);
  if (next.delete(key)) return { next };
  if (next.size >= MAX_SELECTED_OBJECTS) {
    return {
      refused: `${label} was not selected: a profile takes at most ${MAX_SELECTED_OBJECTS} objects. Clear some first.`,
    };
  }
  return { next: next.add(key) };
}

/**
 * The checkbox of a group (`keys`, named `label`): unselects all when all are selected, else selects the others
 * — all of them or, when that would pass the limit, none.
 */
export function toggleGroup(
  chosen: WorkloadSelection,
  keys: readonly string[],
  label: string,
): SelectionChange {
  const next = new Set(chosen);
  const missing = keys.filter((k) => !next.has(k));
  if (missing.length === 0) {
    for (const k of keys) next.delete(k);
    return { next };
  }
  if (next.size + missing.length > MAX_SELECTED_OBJECTS) {
    return {
      refused: `Selecting the ${many(missing.length, 'other object')} of ${label} would make ${(next.size + missing.length).toLocaleString('en')}; a profile takes at most ${MAX_SELECTED_OBJECTS} objects. Filter to fewer, or select objects one by one.`,
    };
  }
  for (const k of missing) next.add(k);
  return { next };
}
