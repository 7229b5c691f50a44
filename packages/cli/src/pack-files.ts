import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { PackFiles } from '@strata/client';
import { InputError } from './exit-codes.js';

export const MAX_PACK_FILES = 500;
export const MAX_PACK_BYTES = 16 * 1024 * 1024;
const BINARY_EXTENSIONS = ['.tgz', '.tar.gz', '.png', '.jpg', '.jpeg'];

export interface PackFileLimits {
  maxFiles?: number;
  maxBytes?: number;
}

/**
 * Reads a pack directory for `pack push`: every file below it (dot-directories skipped), keyed by its `/`-separated
 * relative path, in path order. Text files are UTF-8 strings; binary files (by extension, a NUL byte, or invalid
 * UTF-8) are `{base64}`. More than 500 files or 16 MiB in total is refused before anything is sent.
 */
export async function readPackDirectory(dir: string, limits: PackFileLimits = {}): Promise<PackFiles> {
  const maxFiles = limits.maxFiles ?? MAX_PACK_FILES;
  const maxBytes = limits.maxBytes ?? MAX_PACK_BYTES;
  let info;
  try {
    info = await stat(dir);
  } catch {
    throw new InputError(`${dir}: no such directory`);
  }
  if (!info.isDirectory()) throw new InputError(`${dir}: not a directory (give the pack directory)`);
  const paths = await walk(dir, '');
  if (paths.length === 0) throw new InputError(`${dir}: the directory is empty`);
  if (paths.length > maxFiles)
    throw new InputError(`${dir}: ${paths.length} files; a pack may have at most ${maxFiles}`);
  const files: PackFiles = {};
  let total = 0;
  for (const path of paths) {
    const content = await readFile(join(dir, path));
    total += content.length;
    if (total > maxBytes)
      throw new InputError(
        `${dir}: more than ${formatBytes(maxBytes)} in total; a pack may have at most that`,
      );
    files[path] = encodeFile(path, content);
  }
  return files;
}

/** Text as a string; binary content as `{base64}`. */
export function encodeFile(path: string, content: Buffer): PackFiles[string] {
  const lower = path.toLowerCase();
  if (BINARY_EXTENSIONS.some((ext) => lower.endsWith(ext)) || content.includes(0))
    return { base64: content.toString('base64') };
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch {
    return { base64: content.toString('base64') };
  }
}

async function walk(root: string, prefix: string): Promise<string[]> {
  const entries = (await readdir(join(root, prefix), { withFileTypes: true })).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  const out: string[] = [];
  for (const entry of entries) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    const isDir =
      entry.isDirectory() || (entry.isSymbolicLink() && (await stat(join(root, path))).isDirectory());
    if (isDir) {
      if (!entry.name.startsWith('.') && !entry.isSymbolicLink()) out.push(...(await walk(root, path)));
    } else if (entry.isFile() || entry.isSymbolicLink()) out.push(path);
  }
  return out;
}

function formatBytes(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}
