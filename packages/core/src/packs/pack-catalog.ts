import semver from 'semver';
import type { Pack } from './pack.js';
import { YamlCache } from '../yaml/yaml-cache.js';
import { ValuesSchemaCache } from './values-schema.js';

/** How validation and resolution find packs. The server backs it with the store; tests use createPackCatalog. */
export interface PackCatalog {
  /** The pack with this exact name and version, if known. */
  get(name: string, version: string): Pack | undefined;
  /** Every known version of a pack (any order); empty when the pack is unknown. */
  versions(name: string): readonly string[];
  /** Compiled values schemas, kept with the catalog so validation is fast on repeat. */ readonly schemaCache?: ValuesSchemaCache;
  /** Parsed YAML texts (pack defaults, presets, repeated layer values), kept with the catalog. */
  readonly yamlCache?: YamlCache;
}

export interface InMemoryPackCatalog extends PackCatalog {
  readonly schemaCache: ValuesSchemaCache;
  readonly yamlCache: YamlCache;
  /** Every pack, sorted by name then version (newest last). */
  list(): Pack[];
  /** Newest version of a pack by semver. */
  latest(name: string): Pack | undefined;
}

/** An immutable catalog over a list of packs. Later duplicates of the same name+version are ignored. */
export function createPackCatalog(packs: Iterable<Pack>): InMemoryPackCatalog {
  const byName = new Map<string, Map<string, Pack>>();
  for (const pack of packs) {
    let versions = byName.get(pack.name);
    if (!versions) byName.set(pack.name, (versions = new Map<string, Pack>()));
    if (!versions.has(pack.version)) versions.set(pack.version, pack);
  }
  const sortedVersions = (name: string) => [...(byName.get(name)?.keys() ?? [])].sort(compareVersions);
  const schemaCache = new ValuesSchemaCache();
  return {
    schemaCache,
    yamlCache: new YamlCache(),
    get: (name, version) => byName.get(name)?.get(version),
    versions: sortedVersions,
    list: () =>
      [...byName.keys()]
        .sort()
        .flatMap((name) => sortedVersions(name).map((v) => byName.get(name)?.get(v) as Pack)),
    latest: (name) => {
      const v = sortedVersions(name).at(-1);
      return v === undefined ? undefined : byName.get(name)?.get(v);
    },
  };
}

function compareVersions(a: string, b: string): number {
  const va = semver.valid(a, { loose: true });
  const vb = semver.valid(b, { loose: true });
  if (va && vb) return semver.compare(va, vb) || (a < b ? -1 : a > b ? 1 : 0);
  return a < b ? -1 : a > b ? 1 : 0;
}
