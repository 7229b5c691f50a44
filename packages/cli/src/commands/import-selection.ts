/**
 * `strata import --generate-profile ... --include / --include-namespace`: which discovered workloads are copied into
 * the generated profile's manifest layers. Parsing the flags and resolving them against the discovery report are
 * pure; the server checks the same objects again and reads them through the agent.
 */
import {
  MAX_SELECTED_OBJECTS,
  type ClusterDiscovery,
  type DiscoveredWorkload,
  type SelectedObject,
} from '@strata/api';
import { UsageError } from '../exit-codes.js';

/** One `--include KIND[.GROUP]/NAMESPACE/NAME` (namespaced) or `--include KIND[.GROUP]/NAME` (cluster-scoped). */
export interface ObjectSelector {
  /** As given, to name it in messages. */
  text: string;
  /** Lower case: kinds match case-insensitively. */
  kind: string;
  /** Lower case API group, '' for the core group (written `core`); absent: any group. */
  group?: string;
  /** Absent: a cluster-scoped object. */
  namespace?: string;
  name: string;
}

export interface Selection {
  include: ObjectSelector[];
  /** `--include-namespace`: every discovered workload in the namespace, and the Namespace itself. */
  namespaces: string[];
}

export interface ResolvedSelection {
  /** The discovered workloads selected, each once, in the discovery report's order, with apiVersion. */
  objects: SelectedObject[];
  /** One line per flag that does not resolve (or the selection is too large); empty when `objects` can be sent. */
  problems: string[];
}

const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const KIND = /^[A-Za-z][A-Za-z0-9]*$/;
const GROUP = /^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?$/;
const MAX_SUGGESTIONS = 3;
const MAX_LISTED = 8;

/** Parses one `--include` value; a malformed one is a usage error naming it. */
export function parseInclude(value: string): ObjectSelector {
  const parts = value.split('/');
  const wrong = (why: string) =>
    new UsageError(
      `--include expects KIND/NAMESPACE/NAME (namespaced) or KIND/NAME (cluster-scoped), e.g. deployment/shop/web or Widget.example.com/shop/w1; ${why} in "${value}"`,
    );
  if (parts.length < 2 || parts.length > 3) throw wrong(`${parts.length === 1 ? 'no' : 'too many'} "/"`);
  if (parts.some((p) => p === '')) throw wrong('an empty part');
  const [kindText, ...rest] = parts as [string, ...string[]];
  const dot = kindText.indexOf('.');
  const kind = dot === -1 ? kindText : kindText.slice(0, dot);
  const group = dot === -1 ? undefined : kindText.slice(dot + 1);
  if (!KIND.test(kind)) throw wrong(`the kind "${kind}" is not a kind name`);
  if (group !== undefined && !GROUP.test(group)) throw wrong(`the API group "${group}" is not a group name`);
  const namespace = rest.length === 2 ? rest[0] : undefined;
  if (namespace !== undefined && !NAMESPACE.test(namespace))
    throw wrong(`the namespace "${namespace}" is not a namespace name`);
  const lowerGroup = group?.toLowerCase();
  return {
    text: value,
    kind: kind.toLowerCase(),
    ...(lowerGroup === undefined ? {} : { group: lowerGroup === 'core' ? '' : lowerGroup }),
    ...(namespace === undefined ? {} : { namespace }),
    name: rest.at(-1)!,
  };
}

/** Checks one `--include-namespace` value. */
export function parseIncludeNamespace(value: string): string {
  if (!NAMESPACE.test(value))
    throw new UsageError(`--include-namespace expects a namespace name (e.g. shop), got "${value}"`);
  return value;
}

/** The API group of an apiVersion: `apps/v1` → apps, `v1` → '' (core). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.lastIndexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}

/** Resolves the selection against the discovery report's workloads; every problem is reported, not just the first. */
export function resolveSelection(
  workloads: readonly DiscoveredWorkload[],
  selection: Selection,
): ResolvedSelection {
  const chosen = new Set<number>();
  const problems: string[] = [];
  const spell = speller(workloads);
  const indexed = workloads.map((w, i) => ({ w, i }));

  for (const sel of selection.include) {
    const found = indexed.filter(({ w }) => matchesKind(w, sel) && sameIdentity(w, sel));
    const groups = [...new Set(found.map(({ w }) => groupOf(w.apiVersion)))];
    if (groups.length > 1) {
      const options = found.map(({ w }) => spell(w, true));
      problems.push(
        `--include ${sel.text} is ambiguous: ${orList(options)}; give the kind as KIND.GROUP (core for the core group)`,
      );
    } else if (found.length === 0) problems.push(`--include ${sel.text} ${noMatch(workloads, sel, spell)}`);
    else for (const { i } of found) chosen.add(i);
  }

  for (const ns of new Set(selection.namespaces)) {
    const found = indexed.filter(
      ({ w }) => w.namespace === ns || (w.kind === 'Namespace' && w.namespace === undefined && w.name === ns),
    );
    if (found.length === 0) problems.push(`--include-namespace ${ns} ${emptyNamespace(workloads, ns)}`);
    for (const { i } of found) chosen.add(i);
  }

  const objects = [...chosen]
    .sort((a, b) => a - b)
    .map((i) => workloads[i]!)
    .map((w): SelectedObject => ({
      apiVersion: w.apiVersion,
      kind: w.kind,
      ...(w.namespace === undefined ? {} : { namespace: w.namespace }),
      name: w.name,
    }));
  if (objects.length > MAX_SELECTED_OBJECTS) problems.push(tooMany(objects));
  return { objects: problems.length > 0 ? [] : objects, problems };
}

/**
 * The objects to send, or a usage error listing every problem; `again` (e.g. how to run the command once more) ends
 * the message.
 */
export function selectedObjects(
  discovery: ClusterDiscovery,
  selection: Selection,
  o: { cluster: string; again?: string | undefined },
): SelectedObject[] {
  const { objects, problems } = resolveSelection(discovery.workloads ?? [], selection);
  if (problems.length === 0) return objects;
  const against = `(resolved against the discovery report of cluster/${o.cluster} from ${discovery.observedAt})`;
  const head =
    problems.length === 1
      ? problems[0]!
      : `${problems.length} problems with the selection:\n  ${problems.join('\n  ')}`;
  throw new UsageError(`${head}\n${against}${o.again ? `\n${o.again}` : ''}`);
}

function matchesKind(w: DiscoveredWorkload, sel: ObjectSelector): boolean {
  return (
    w.kind.toLowerCase() === sel.kind &&
    (sel.group === undefined || groupOf(w.apiVersion).toLowerCase() === sel.group)
  );
}

function sameIdentity(w: DiscoveredWorkload, sel: ObjectSelector): boolean {
  return w.namespace === sel.namespace && w.name === sel.name;
}

/** Writes a workload the way `--include` takes it, with KIND.GROUP when the kind name alone is ambiguous. */
function speller(
  workloads: readonly DiscoveredWorkload[],
): (w: DiscoveredWorkload, qualify?: boolean) => string {
  const groupsByKind = new Map<string, Set<string>>();
  for (const w of workloads) {
    const key = w.kind.toLowerCase();
    groupsByKind.set(key, (groupsByKind.get(key) ?? new Set()).add(groupOf(w.apiVersion)));
  }
  return (w, qualify = false) => {
    const group = groupOf(w.apiVersion);
    const kind =
      qualify || (groupsByKind.get(w.kind.toLowerCase())?.size ?? 0) > 1
        ? `${w.kind}.${group || 'core'}`
        : w.kind;
    return `${kind}/${w.namespace === undefined ? '' : `${w.namespace}/`}${w.name}`;
  };
}

/** Why nothing matched, with the nearest workloads when there are any. */
function noMatch(
  workloads: readonly DiscoveredWorkload[],
  sel: ObjectSelector,
  spell: (w: DiscoveredWorkload) => string,
): string {
  const head = 'matches no discovered workload';
  const sameName = workloads.filter((w) => w.name === sel.name);
  const ofKind = workloads.filter((w) => matchesKind(w, sel));
  const path = (ns: string | undefined, name: string) => (ns === undefined ? name : `${ns}/${name}`);
  const similar = ofKind.filter(
    (w) => editDistance(path(w.namespace, w.name), path(sel.namespace, sel.name), 2) <= 2,
  );
  const sameKindName = sameName.filter((w) => w.kind.toLowerCase() === sel.kind);
  // Nearest first: the same kind with a name or namespace a typo away, the kind in another group, the name elsewhere.
  const near = similar.length > 0 ? similar : sameKindName.length > 0 ? sameKindName : sameName;
  if (near.length > 0) return `${head}; did you mean ${orList(near.slice(0, MAX_SUGGESTIONS).map(spell))}?`;
  if (sel.kind === 'secret')
    return `${head}; Secrets are not discovered, so they cannot be copied into a profile`;
  if (ofKind.length === 0) {
    const kinds = [...new Set(workloads.map((w) => w.kind))].sort();
    const listed = kinds.slice(0, MAX_LISTED).join(', ') + (kinds.length > MAX_LISTED ? ', ...' : '');
    return `${head}: none is of that kind (kinds found: ${listed || 'none'})`;
  }
  const kindName = ofKind[0]!.kind;
  if (sel.namespace === undefined && ofKind.every((w) => w.namespace !== undefined))
    return `${head}: ${kindName} is namespaced, write ${kindName}/NAMESPACE/${sel.name}`;
  if (sel.namespace !== undefined && ofKind.every((w) => w.namespace === undefined))
    return `${head}: ${kindName} is cluster-scoped, write ${kindName}/${sel.name}`;
  return `${head}: no ${kindName} ${sel.namespace === undefined ? '' : `in namespace ${sel.namespace} `}has that name`;
}

function emptyNamespace(workloads: readonly DiscoveredWorkload[], ns: string): string {
  const namespaces = [
    ...new Set(workloads.flatMap((w) => (w.namespace === undefined ? [] : [w.namespace]))),
  ].sort();
  const near = namespaces.filter((n) => editDistance(n, ns, 2) <= 2);
  if (near.length > 0)
    return `has no discovered workloads; did you mean ${orList(near.slice(0, MAX_SUGGESTIONS))}?`;
  const listed = namespaces.slice(0, MAX_LISTED).join(', ') + (namespaces.length > MAX_LISTED ? ', ...' : '');
  return `has no discovered workloads (namespaces with workloads: ${listed || 'none'})`;
}

function tooMany(objects: readonly SelectedObject[]): string {
  const byNamespace = new Map<string, number>();
  for (const o of objects) byNamespace.set(o.namespace ?? '', (byNamespace.get(o.namespace ?? '') ?? 0) + 1);
  const largest = [...byNamespace]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, MAX_SUGGESTIONS)
    .map(([ns, n]) => `${ns || 'cluster-scoped'} ${n}`);
  return `${objects.length} objects selected, at most ${MAX_SELECTED_OBJECTS} fit in one generated profile (largest: ${largest.join(', ')}); select fewer, e.g. --include instead of --include-namespace`;
}

function orList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)!}`;
}

/** Levenshtein distance, or `limit + 1` as soon as it is certain to exceed `limit`. */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost));
    }
    if (Math.min(...current) > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length]!;
}
