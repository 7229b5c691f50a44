import type { KindDefinition, ListResult, Resource } from '@strata/api';
import { useQuery, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useSession } from './session';

/** Where a list lives: the current project for project kinds, the tenant for tenant kinds. */
export function defaultProject(kind: KindDefinition, project: string): string | undefined {
  return kind.scope === 'project' || kind.scope === 'tenant-or-project' ? project : undefined;
}

export function listKey(kind: KindDefinition, project: string | undefined): QueryKey {
  return ['list', kind.kind, project ?? '-'];
}

export interface LiveListOptions {
  /** Override the scope: a project name, or null for tenant scope. Default: the current project for project kinds. */
  project?: string | null;
  /** Follow changes with the API's watch (server-sent events). Default true. */
  live?: boolean;
  enabled?: boolean;
}

/** A whole collection (every page), kept current by one shared watch. */
export function useLiveList<T extends Resource = Resource>(
  kind: KindDefinition,
  options: LiveListOptions = {},
) {
  const { client, watchHub, project: current } = useSession();
  const project = options.project === null ? undefined : (options.project ?? defaultProject(kind, current));
  const queryKey = listKey(kind, project);
  const query = useQuery({
    queryKey,
    enabled: options.enabled ?? true,
    queryFn: ({ signal }) => client.listAll<T>(kind, { project, signal }),
  });
  const loaded = query.data !== undefined;
  const live = options.live ?? true;
  const id = JSON.stringify(queryKey);
  useEffect(() => {
    if (!loaded || !live) return;
    return watchHub.subscribe(queryKey, async (resourceVersion, emit, signal) => {
      for await (const event of client.watch(kind, { project, resourceVersion, relistOnGone: true, signal }))
        emit(event);
    });
    // queryKey is represented by id
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id, loaded, live, client, watchHub, kind, project]);
  return query;
}

/** Invalidates a kind's lists (after a write the watch also brings the change; this makes it immediate). */
export function useInvalidateKind() {
  const queryClient = useQueryClient();
  return (kind: KindDefinition) => queryClient.invalidateQueries({ queryKey: ['list', kind.kind] });
}

export function itemsOf<T>(list: ListResult<T> | undefined): T[] {
  return list?.items ?? [];
}
