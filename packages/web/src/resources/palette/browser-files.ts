import type { PackFiles } from '@strata/client';

const BINARY = /\.(tgz|tar\.gz|png|jpe?g)$/i;
export const MAX_PACK_FILES = 500;
export const MAX_PACK_BYTES = 16 * 1024 * 1024;

/** What a directory picker gives: each file with its path below the chosen directory's parent. */
export interface PickedFile {
  /** `webkitRelativePath`: `nginx-1.9.4/charts/nginx-4.9.1.tgz`. */
  path: string;
  size: number;
  bytes(): Promise<Uint8Array>;
}

/**
 * A picked pack directory as `pushPack`/`importPalettePack` send it: paths relative to the directory, charts and
 * other binary files base64. Refuses more than 500 files or 16 MiB before reading (as `strata pack push` does).
 */
export async function packFilesOf(
  picked: readonly PickedFile[],
): Promise<{ source: string; files: PackFiles }> {
  if (picked.length === 0) throw new Error('choose a pack directory');
  if (picked.length > MAX_PACK_FILES)
    throw new Error(`${picked.length} files; a pack may have at most ${MAX_PACK_FILES}`);
  const total = picked.reduce((n, f) => n + f.size, 0);
  if (total > MAX_PACK_BYTES) throw new Error('more than 16 MiB in total; a pack may have at most that');
  const source = picked[0]!.path.split('/')[0] ?? '';
  const files: PackFiles = {};
  for (const f of picked) {
    const parts = f.path.split('/');
    const path = parts.length > 1 ? parts.slice(1).join('/') : f.path;
    if (parts.some((p) => p.startsWith('.'))) continue;
    const bytes = await f.bytes();
    files[path] = BINARY.test(path) || bytes.includes(0) ? { base64: toBase64(bytes) } : decode(bytes);
  }
  return { source, files };
}

function decode(bytes: Uint8Array): string | { base64: string } {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { base64: toBase64(bytes) };
  }
}

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** A browser File as a PickedFile. */
export function pickedFile(file: File): PickedFile {
  return {
    path: file.webkitRelativePath || file.name,
    size: file.size,
    bytes: async () => new Uint8Array(await file.arrayBuffer()),
  };
}
