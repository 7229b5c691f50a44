import { ClusterKind, ClusterProfileKind, type ClusterProfileSpec, type Resource } from '@strata/api';
import { useQueries } from '@tanstack/react-query';
import type { ClusterObject } from '../../lib/clusters';
import { useLiveList } from '../../lib/queries';
import { useSession } from '../../lib/session';

export type ProfileObject = Resource<ClusterProfileSpec>;

/** One cluster, from the project's live cluster list (so it updates with the watch). */
export function useCluster(name: string) {
  const list = useLiveList<ClusterObject>(ClusterKind);
  const cluster = list.data?.items.find((c) => c.metadata.name === name);
  return { cluster, loading: list.isPending, error: list.error };
}

/** The profile versions a cluster has attached (for layer sources and variable declarations). */
export function useAttachedProfiles(cluster: ClusterObject | undefined) {
  const { client, project } = useSession();
  const refs = cluster?.spec.profiles ?? [];
  return useQueries({
    queries: refs.map((ref) => ({
      queryKey: ['profile-version', ref.project ?? project, ref.name, ref.version],
      staleTime: 60_000,
      queryFn: ({ signal }: { signal: AbortSignal }) =>
        client.get<ProfileObject>(ClusterProfileKind, ref.name, {
          project: ref.project ?? project,
          version: ref.version,
          signal,
        }),
    })),
  });
}

/** "ubuntu 24.04.1", "chart podinfo 6.9.0" or "inline manifest" for a profile layer. */
export function layerSource(layer: ClusterProfileSpec['layers'][number]): string {
  if ('pack' in layer) return `${layer.pack} ${layer.version}`;
  if ('chart' in layer) return `chart ${layer.chart.name} ${layer.chart.version}`;
  return 'inline manifest';
}

export function layerName(layer: ClusterProfileSpec['layers'][number]): string {
  return 'pack' in layer ? (layer.name ?? layer.pack) : layer.name;
}
