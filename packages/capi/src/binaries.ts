/**
 * The Cluster API managers built by scripts/setup-capi.sh: `<cache>/capi/bin/<stamp>/` holds one executable per
 * component and, under `config/<component>/`, the CRDs (`crd/*.yaml`) and webhook configuration (`webhook.yaml`)
 * of the same module version.
 */
import { constants } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BinaryInstaller, type BinaryInstallerOptions } from '@strata/sandbox';

export const CAPI_COMPONENTS = [
  'core',
  'bootstrap-kubeadm',
  'controlplane-kubeadm',
  'infrastructure-in-memory',
] as const;
export type CapiComponent = (typeof CAPI_COMPONENTS)[number];

export interface CapiManifest {
  stamp: string;
  clusterApiVersion: string;
  components: CapiComponent[];
  buildDate: string;
}

export interface CapiBuild {
  dir: string;
  manifest: CapiManifest;
}

export const CAPI_SETUP_HINT =
  'run scripts/setup-capi.sh (builds the Cluster API managers; ~6 min cold on 2 cores)';

/** Cold seconds of each step of setup-capi.sh on 2 cores (docs/benchmarks.md): download, build, collect, verify. */
export const CAPI_STEP_SECONDS = [10, 350, 1, 3] as const;

export function capiCacheDir(cacheRoot = process.env['STRATA_CACHE_DIR']): string {
  return join(cacheRoot ?? join(homedir(), '.cache', 'strata'), 'capi');
}

export function capiSetupScriptPath(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'scripts', 'setup-capi.sh');
}

async function usable(path: string, mode: number): Promise<boolean> {
  return access(path, mode).then(
    () => true,
    () => false,
  );
}

/** The build `bin/current` points at, when it is complete (the checks of setup-capi.sh's is_built). */
export async function findCapiBuild(cacheRoot?: string): Promise<CapiBuild | undefined> {
  const dir = join(capiCacheDir(cacheRoot), 'bin', 'current');
  let manifest: CapiManifest;
  try {
    manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as CapiManifest;
  } catch {
    return undefined;
  }
  for (const c of CAPI_COMPONENTS) {
    if (!(await usable(join(dir, c), constants.X_OK))) return undefined;
    if (!(await usable(join(dir, 'config', c, 'webhook.yaml'), constants.R_OK))) return undefined;
  }
  return { dir, manifest };
}

/** Builds the managers in the background on first use, with progress, like the Kubernetes binaries. */
export function capiInstaller(
  options: Pick<BinaryInstallerOptions, 'cacheRoot' | 'onProgress' | 'now'> = {},
) {
  return new BinaryInstaller({
    ...options,
    scriptPath: capiSetupScriptPath(),
    stepSeconds: CAPI_STEP_SECONDS,
    find: async (cacheRoot) => (await findCapiBuild(cacheRoot))?.dir,
  });
}
