/**
 * Finding the binaries built by scripts/setup-local-k8s.sh: every `<cache>/localk8s/bin/<stamp>/`
 * with a manifest.json is one complete set for one Kubernetes version.
 */
import { constants } from 'node:fs';
import { access, readFile, readdir, realpath } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { normalizeKubernetesVersion } from './names.js';

export const REQUIRED_BINARIES = [
  'etcd',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'kwok',
  'kubectl',
  'helm',
] as const;
export type BinaryName = (typeof REQUIRED_BINARIES)[number] | 'kwokctl';

export interface BinaryManifest {
  stamp: string;
  kubernetesVersion: string;
  etcdVersion: string;
  kwokVersion: string;
  helmVersion: string;
  buildDate: string;
}

export interface BinarySet {
  dir: string;
  manifest: BinaryManifest;
  /** kwok stage definitions (node initialize + heartbeat with lease, pod ready/complete/delete). */
  kwokStages: string;
}

export const SETUP_HINT =
  'run scripts/setup-local-k8s.sh (builds the local Kubernetes binaries; ~15 min cold on 2 cores)';

/** `${STRATA_CACHE_DIR:-$HOME/.cache/strata}/localk8s`, like the setup script. */
export function localk8sCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env['STRATA_CACHE_DIR'] ?? join(homedir(), '.cache', 'strata'), 'localk8s');
}

/** Absolute path of scripts/setup-local-k8s.sh in this repository. */
export function setupScriptPath(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'scripts', 'setup-local-k8s.sh');
}

export function binaryPath(set: BinarySet, name: BinaryName): string {
  return join(set.dir, name);
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Reads one bin dir; undefined unless it is complete. */
export async function readBinarySet(dir: string): Promise<BinarySet | undefined> {
  try {
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as BinaryManifest;
    const checks = await Promise.all(REQUIRED_BINARIES.map((name) => isExecutable(join(dir, name))));
    if (checks.includes(false)) return undefined;
    const kwokStages = join(dir, 'kwok-stages.yaml');
    await access(kwokStages, constants.R_OK);
    return { dir: await realpath(dir), manifest, kwokStages };
  } catch {
    return undefined;
  }
}

/** Every complete binary set in the cache, `current` first, then newest build first. */
export async function listBinarySets(cacheDir: string = localk8sCacheDir()): Promise<BinarySet[]> {
  const binRoot = join(cacheDir, 'bin');
  let entries: string[];
  try {
    entries = await readdir(binRoot);
  } catch {
    return [];
  }
  const current = await readBinarySet(join(binRoot, 'current'));
  const sets = await Promise.all(
    entries.filter((e) => !e.startsWith('.') && e !== 'current').map((e) => readBinarySet(join(binRoot, e))),
  );
  const others = sets
    .filter((s): s is BinarySet => s !== undefined && s.dir !== current?.dir)
    .sort((a, b) => b.manifest.buildDate.localeCompare(a.manifest.buildDate));
  return current ? [current, ...others] : others;
}

/** Kubernetes versions that can be started right now. */
export async function availableKubernetesVersions(cacheDir?: string): Promise<string[]> {
  return [...new Set((await listBinarySets(cacheDir)).map((s) => s.manifest.kubernetesVersion))];
}

/**
 * The binary set for `version` (default: the `current` build). `binDir` pins an explicit directory
 * (e.g. STRATA_SANDBOX_BIN_DIR) instead of scanning the cache.
 */
export async function findBinarySet(options: {
  version?: string;
  cacheDir?: string;
  binDir?: string;
}): Promise<BinarySet | undefined> {
  const sets = options.binDir
    ? [await readBinarySet(options.binDir)].filter((s) => s !== undefined)
    : await listBinarySets(options.cacheDir);
  if (!options.version) return sets[0];
  const wanted = normalizeKubernetesVersion(options.version);
  return sets.find((s) => s.manifest.kubernetesVersion === wanted);
}
