import { Alert, Text } from '@mantine/core';
import { useState } from 'react';
import { LayerStack, type StackLayer } from '../../components/LayerStack';
import type { ClusterObject } from '../../lib/clusters';
import { layerName, layerSource, useAttachedProfiles } from './use-cluster';

/** The cluster's resolved stack as the agent reports it: state, hash and message per layer; drift with its diff. */
export function LayersTab({ cluster }: { cluster: ClusterObject }) {
  const profiles = useAttachedProfiles(cluster);
  const [selected, setSelected] = useState<string>();
  const sources = new Map<string, string>();
  const declared: StackLayer[] = [];
  for (const q of profiles) {
    const p = q.data;
    if (!p) continue;
    for (const l of p.spec.layers) {
      const key = `${p.metadata.name}/${layerName(l)}`;
      sources.set(key, layerSource(l));
      declared.push({
        key,
        name: layerName(l),
        profile: p.metadata.name,
        source: layerSource(l),
        state: 'Pending',
      });
    }
  }
  const reported = cluster.status?.layers ?? [];
  const layers: StackLayer[] =
    reported.length > 0
      ? reported.map((l) => {
          const key = `${l.profile}/${l.name}`;
          return {
            key,
            name: l.name,
            profile: l.profile,
            source: sources.get(key),
            state: l.state,
            hash: l.hash,
            message: l.message,
            drift: (l.drift ?? []) as StackLayer['drift'],
          };
        })
      : declared;
  return (
    <>
      {reported.length === 0 && (
        <Alert color="gray" mb="sm" role="status">
          The agent has not reported yet: these are the layers it will apply, in order.
        </Alert>
      )}
      {layers.length === 0 ? (
        <Text c="dimmed">No layers.</Text>
      ) : (
        <LayerStack
          layers={layers}
          label={`Layers of cluster ${cluster.metadata.name}`}
          selected={selected}
          onSelect={setSelected}
        />
      )}
    </>
  );
}
