import { PACK_LAYERS, PackKind, compareVersions, type PackSpec, type Resource } from '@strata/api';
import { useMemo } from 'react';
import { useLiveList } from '../../lib/queries';

export type PackResource = Resource<PackSpec>;

export interface PackEntry {
  name: string;
  layer: string;
  displayName: string;
  description?: string;
  category?: string;
  /** Newest first. */
  versions: PackResource[];
}

/** The tenant's pack catalog (built-in, pushed and pack-source charts), grouped by name. */
export function usePackCatalog() {
  const list = useLiveList<PackResource>(PackKind, { project: null, live: false });
  const entries = useMemo(() => {
    const byName = new Map<string, PackResource[]>();
    for (const p of list.data?.items ?? [])
      byName.set(p.metadata.name, [...(byName.get(p.metadata.name) ?? []), p]);
    const out: PackEntry[] = [];
    for (const [name, versions] of byName) {
      versions.sort((a, b) => compareVersions(b.spec.version, a.spec.version));
      const latest = versions[0]!;
      out.push({
        name,
        layer: latest.spec.layer,
        displayName: latest.spec.displayName ?? name,
        description: latest.spec.description,
        category: latest.spec.category,
        versions,
      });
    }
    return out.sort(
      (a, b) =>
        PACK_LAYERS.indexOf(a.layer as never) - PACK_LAYERS.indexOf(b.layer as never) ||
        a.name.localeCompare(b.name),
    );
  }, [list.data]);
  const find = (name: string, version: string) =>
    entries.find((e) => e.name === name)?.versions.find((v) => v.spec.version === version);
  return { ...list, entries, find };
}
