/**
 * Helpers of the import suites: a cluster populated directly (helm and kubectl, never Strata), and snapshots of
 * every object's resourceVersion to prove that nothing changed.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JsonObject } from '@strata/core';
import { parseYaml } from '@strata/core';
import type { SandboxClusterFixture } from '@strata/testing';
import { kubectl, run, waitFor } from './cluster-helpers.js';

/** Runs helm against the fixture's cluster with private cache/config/data directories under `home`. */
export function helmIn(fx: SandboxClusterFixture, home: string) {
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: home,
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_DATA_HOME: join(home, 'data'),
  };
  return (...args: string[]): Promise<string> =>
    run(fx.bin('helm'), [...args, '--kubeconfig', fx.kubeconfigPath], env);
}

/** The current revision of a release (from `helm status`). */
export async function releaseRevision(helm: (...a: string[]) => Promise<string>, name: string, ns: string) {
  const status = JSON.parse(await helm('status', name, '-n', ns, '-o', 'json')) as JsonObject;
  return status.version as number;
}

/** Kinds whose objects change by themselves (heartbeats, leader election, events): not compared. */
const CHURNING = new Set(['Lease', 'Event']);

/** `Kind namespace/name` → resourceVersion for every listable object of the cluster (custom resources included). */
export async function resourceVersions(fx: SandboxClusterFixture): Promise<Map<string, string>> {
  const kinds = (await kubectl(fx, 'api-resources', '--verbs=list', '-o', 'name'))
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => s !== '' && s !== 'componentstatuses');
  const out = await kubectl(fx, 'get', kinds.join(','), '-A', '-o', 'json');
  const list = JSON.parse(out) as { items: JsonObject[] };
  const map = new Map<string, string>();
  for (const item of list.items) {
    if (CHURNING.has(item.kind as string)) continue;
    const meta = item.metadata as JsonObject;
    const ns = typeof meta.namespace === 'string' ? `${meta.namespace}/` : '';
    map.set(`${item.kind as string} ${ns}${meta.name as string}`, meta.resourceVersion as string);
  }
  return map;
}

/** A snapshot taken once two in a row agree (controllers and kwok finished settling the seeded objects). */
export async function settledResourceVersions(fx: SandboxClusterFixture): Promise<Map<string, string>> {
  let last = await resourceVersions(fx);
  return waitFor(
    async () => {
      await sleep(1500);
      const next = await resourceVersions(fx);
      const same = next.size === last.size && [...next].every(([k, v]) => last.get(k) === v);
      last = next;
      return same ? next : undefined;
    },
    'the cluster to settle',
    60_000,
    0,
  );
}

/** The keys whose resourceVersion differs between two snapshots, or that disappeared. */
export function changedObjects(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...before]
    .filter(([k, v]) => after.get(k) !== v)
    .map(([k, v]) => `${k} (${v} → ${after.get(k) ?? 'gone'})`);
}

/** A built-in pack's manifests with `{{ .values.a.b }}` placeholders filled in (enough for the sandbox packs). */
export async function renderPackManifests(
  repoRoot: string,
  pack: string,
  values: Record<string, string>,
): Promise<JsonObject[]> {
  const dir = join(repoRoot, 'packs', pack, '0.1.0', 'manifests');
  const file = pack === 'sandbox-cni' ? 'cni.yaml' : 'csi.yaml';
  const text = (await readFile(join(dir, file), 'utf8')).replace(
    /\{\{\s*\.values\.([A-Za-z0-9_.]+)\s*\}\}/g,
    (_, key: string) => {
      const v = values[key];
      if (v === undefined) throw new Error(`no value for ${key} in pack ${pack}`);
      return v;
    },
  );
  return parseYaml(text).documents as JsonObject[];
}
