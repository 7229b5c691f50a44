import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { PackFiles } from '@strata/client';
import { InputError } from './exit-codes.js';
import { encodeFile, MAX_PACK_BYTES, MAX_PACK_FILES } from './pack-files.js';

const BLOCK = 512;

/** A pack archive (`.tar.gz`, `.tgz` or `.tar`) rather than a directory. */
export function isPackArchive(path: string): boolean {
  return /\.(tar\.gz|tgz|tar)$/i.test(path);
}

/**
 * Reads a pack directory packed as a tar archive (gzip or not): regular files only, at most 500 of them and 16 MiB
 * unpacked (checked while unpacking: a small archive that expands to more is refused), no absolute paths or `..`.
 * A single top-level directory is the pack directory (its name is the source); links and devices are refused.
 */
export async function readPackArchive(file: string): Promise<{ source: string; files: PackFiles }> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    throw new InputError(`${file}: no such file`);
  }
  if (size > MAX_PACK_BYTES) throw new InputError(`${file}: larger than 16 MiB`);
  let tar = await readFile(file);
  if (tar[0] === 0x1f && tar[1] === 0x8b) {
    try {
      // A pack has at most 16 MiB of files; headers and padding add at most a block per file plus one.
      tar = gunzipSync(tar, { maxOutputLength: MAX_PACK_BYTES + (MAX_PACK_FILES * 2 + 2) * BLOCK });
    } catch (err) {
      throw new InputError(
        (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE'
          ? `${file}: unpacks to more than 16 MiB; a pack may have at most that`
          : `${file}: not a gzip archive (${(err as Error).message})`,
      );
    }
  }
  const entries = readTar(tar, file);
  const top = entries[0]?.path.split('/')[0];
  const nested = top !== undefined && entries.every((e) => e.path.startsWith(`${top}/`));
  const files: PackFiles = {};
  for (const e of entries)
    files[nested ? e.path.slice(top.length + 1) : e.path] = encodeFile(e.path, e.content);
  if (Object.keys(files).length === 0) throw new InputError(`${file}: the archive holds no files`);
  return { source: nested ? top : basename(file).replace(/\.(tar\.gz|tgz|tar)$/i, ''), files };
}

function readTar(tar: Buffer, file: string): { path: string; content: Buffer }[] {
  const out: { path: string; content: Buffer }[] = [];
  let offset = 0;
  let longName: string | undefined;
  let total = 0;
  const fail = (message: string): never => {
    throw new InputError(`${file}: ${message}`);
  };
  while (offset + BLOCK <= tar.length) {
    const header = tar.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) break;
    const sizeField = text(header, 124, 12).trim();
    if (!/^[0-7]*$/.test(sizeField)) fail('not a tar archive');
    const size = parseInt(sizeField || '0', 8);
    const type = String.fromCharCode(header[156] ?? 0);
    const start = offset + BLOCK;
    if (start + size > tar.length) fail('the archive is cut short');
    const body = tar.subarray(start, start + size);
    offset = start + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'x') {
      longName = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString('utf8'))?.[1] ?? longName;
      continue;
    }
    if (type === 'L') {
      longName = body.toString('utf8').replace(/\0+$/, '');
      continue;
    }
    if (type === 'g' || type === '5') continue;
    const prefix = text(header, 257, 6).startsWith('ustar') ? text(header, 345, 155) : '';
    const raw = longName ?? (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100));
    longName = undefined;
    const path = raw.replace(/^(\.\/)+/, '');
    if (type !== '0' && type !== '\0') fail(`${path} is not a regular file (links and devices are not read)`);
    if (path.startsWith('/') || path.split('/').includes('..') || path === '')
      fail(`${JSON.stringify(raw)}: absolute paths and ".." are not allowed`);
    if (path.split('/').some((p) => p.startsWith('.'))) continue;
    total += size;
    if (total > MAX_PACK_BYTES) fail('more than 16 MiB of files; a pack may have at most that');
    out.push({ path, content: Buffer.from(body) });
    if (out.length > MAX_PACK_FILES) fail(`more than ${MAX_PACK_FILES} files; a pack may have at most that`);
  }
  return out;
}

function text(header: Buffer, start: number, length: number): string {
  const field = header.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end < 0 ? length : end).toString('utf8');
}
