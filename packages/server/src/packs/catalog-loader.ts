import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Issue } from '@strata/api';
import {
  createPackCatalog,
  parsePack,
  type InMemoryPackCatalog,
  type Pack,
  type PackFiles,
} from '@strata/core';

export interface LoadCatalogOptions {
  /** The catalog directory: <dir>/<pack name>/<version>/pack.yaml. Default: the repository's packs/. */
  dir?: string;
  /** Largest file read (bytes). Default 8 MiB. */
  maxFileBytes?: number;
  /** Most files per pack directory. Default 500. */
  maxFiles?: number;
}

/** One pack directory that could not be loaded, with every issue (paths into its files). */
export interface PackLoadFailure {
  dir: string;
  issues: Issue[];
}

export interface CatalogLoadResult {
  packs: Pack[];
  failures: PackLoadFailure[];
  catalog: InMemoryPackCatalog;
}

const TEXT = /\.(ya?ml|json|md|txt|tpl)$|^[^.]+$|\.helmignore$/;

/** The built-in catalog shipped in the repository (packs/ at the repository root). */
export function builtInCatalogDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../../../packs');
}

/**
 * Reads every pack directory under `dir` (two levels: name/version) and parses each through core. A broken pack is
 * reported in `failures` and the others still load; the result never throws for bad pack content.
 */
export async function loadCatalogDirectory(options: LoadCatalogOptions = {}): Promise<CatalogLoadResult> {
  const dir = options.dir ?? builtInCatalogDir();
  const packs: Pack[] = [];
  const failures: PackLoadFailure[] = [];
  for (const name of (await readdir(dir, { withFileTypes: true }))
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()) {
    for (const version of (await readdir(join(dir, name), { withFileTypes: true }))
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort()) {
      const packDir = join(dir, name, version);
      try {
        const files = await readPackDirectory(packDir, options);
        const { pack, issues } = parsePack(files);
        const mismatch: Issue[] = [];
        if (pack && (pack.name !== name || pack.version !== version)) {
          mismatch.push({
            path: '/pack.yaml',
            message: `the directory is ${name}/${version} but pack.yaml says ${pack.name}@${pack.version}`,
          });
        }
        if (pack && mismatch.length === 0) packs.push(pack);
        else failures.push({ dir: packDir, issues: [...issues, ...mismatch] });
      } catch (err) {
        failures.push({
          dir: packDir,
          issues: [
            {
              path: '',
              message: err instanceof Error ? err.message : String(err),
              code: 'STRATA_PACK_INVALID',
            },
          ],
        });
      }
    }
  }
  return { packs, failures, catalog: createPackCatalog(packs) };
}

/** Reads a pack directory into the in-memory file map core expects (text files as strings, others as bytes). */
export async function readPackDirectory(
  dir: string,
  options: Pick<LoadCatalogOptions, 'maxFileBytes' | 'maxFiles'> = {},
): Promise<PackFiles> {
  const maxBytes = options.maxFileBytes ?? 8 * 1024 * 1024;
  const maxFiles = options.maxFiles ?? 500;
  const files: Record<string, string | Uint8Array> = {};
  let count = 0;
  const walk = async (current: string): Promise<void> => {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const full = join(current, entry.name);
      if (entry.isSymbolicLink())
        throw new Error(`${relative(dir, full)}: symbolic links are not allowed in a pack`);
      if (entry.isDirectory()) {
        await walk(full);
        continue;
      }
      if (!entry.isFile()) continue;
      if (++count > maxFiles) throw new Error(`more than ${maxFiles} files in ${dir}`);
      const size = (await stat(full)).size;
      if (size > maxBytes) throw new Error(`${relative(dir, full)} is larger than ${maxBytes} bytes`);
      const rel = relative(dir, full).split(sep).join('/');
      const bytes = await readFile(full);
      files[rel] = TEXT.test(entry.name) ? bytes.toString('utf8') : new Uint8Array(bytes);
    }
  };
  await walk(dir);
  return files;
}
