import type { ListResult, Resource, WatchEvent } from '@strata/api';

/** Identity of an object in a list: its name, plus the version for versioned kinds (ClusterProfile, Pack). */
export function keyOf(object: Resource): string {
  const version = (object.spec as { version?: unknown } | undefined)?.version;
  return typeof version === 'string' ? `${object.metadata.name}@${version}` : object.metadata.name;
}

function rv(object: Resource): bigint {
  try {
    return BigInt(object.metadata.resourceVersion);
  } catch {
    return 0n;
  }
}

/**
 * Applies watch events to a list (pure). Events older than what the list holds are ignored, so a list fetched
 * after the watch started and events replayed from before it never go backwards. New objects are appended.
 */
export function applyEvents<T extends Resource>(
  list: ListResult<T>,
  events: readonly WatchEvent<T>[],
): ListResult<T> {
  if (events.length === 0) return list;
  const items = [...list.items];
  const index = new Map(items.map((item, i) => [keyOf(item), i]));
  let resourceVersion = list.resourceVersion;
  const removed = new Set<number>();
  for (const event of events) {
    const eventRv = event.object.metadata?.resourceVersion;
    if (eventRv && BigInt(eventRv) > BigInt(resourceVersion || '0')) resourceVersion = eventRv;
    if (event.type === 'BOOKMARK') continue;
    const key = keyOf(event.object);
    const at = index.get(key);
    if (event.type === 'DELETED') {
      if (at !== undefined) {
        removed.add(at);
        index.delete(key);
      }
      continue;
    }
    if (at === undefined) {
      index.set(key, items.length);
      items.push(event.object);
    } else if (rv(event.object) >= rv(items[at]!)) {
      items[at] = event.object;
      removed.delete(at);
    }
  }
  return { ...list, items: items.filter((_, i) => !removed.has(i)), resourceVersion };
}
