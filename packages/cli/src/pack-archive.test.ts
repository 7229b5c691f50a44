import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { readPackArchive } from './pack-archive.js';
import { readPackDirectory } from './pack-files.js';
import { tempDir } from './testing/run.js';

const run = promisify(execFile);
const PACKS = fileURLToPath(new URL('../../../test/fixtures/palette/packs/', import.meta.url));

/** One ustar entry written by hand (for names the tar tool would not write). */
function entry(name: string, content: Buffer, type = '0'): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, 100);
  header.write('0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(`${content.length.toString(8).padStart(11, '0')}\0`, 124);
  header.write('00000000000\0', 136);
  header.write('        ', 148);
  header.write(type, 156);
  header.write('ustar\0', 257);
  header.write('00', 263);
  const sum = header.reduce((n, b) => n + b, 0);
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  const padded = Buffer.alloc(Math.ceil(content.length / 512) * 512);
  content.copy(padded);
  return Buffer.concat([header, padded]);
}
const tarOf = (...entries: Buffer[]) => Buffer.concat([...entries, Buffer.alloc(1024)]);

describe('readPackArchive', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => {
    ({ dir, cleanup } = await tempDir());
  });
  after(async () => cleanup());

  it('reads a .tar.gz of a pack directory as the directory itself (its name is the source)', async () => {
    const archive = join(dir, 'nginx.tar.gz');
    await run('tar', ['-czf', archive, '-C', PACKS, 'nginx-ingress-chart']);
    const read = await readPackArchive(archive);
    assert.equal(read.source, 'nginx-ingress-chart');
    assert.deepEqual(read.files, await readPackDirectory(join(PACKS, 'nginx-ingress-chart')));
  });

  it('refuses .. and absolute paths, links, and archives that unpack to more than 16 MiB', async () => {
    const cases: [name: string, tar: Buffer, message: RegExp][] = [
      [
        'dotdot.tar',
        tarOf(entry('p/../../evil', Buffer.from('x'))),
        /absolute paths and "\.\." are not allowed/,
      ],
      ['absolute.tar', tarOf(entry('/etc/passwd', Buffer.from('x'))), /absolute paths/],
      ['link.tar', tarOf(entry('p/pack.json', Buffer.alloc(0), '2')), /not a regular file/],
      [
        'bomb.tar.gz',
        gzipSync(tarOf(entry('p/values.yaml', Buffer.alloc(17 * 1024 * 1024)))),
        /unpacks to more than 16 MiB/,
      ],
      ['short.tar', entry('p/pack.json', Buffer.from('x'.repeat(2000))).subarray(0, 1024), /cut short/],
    ];
    for (const [name, tar, message] of cases) {
      const file = join(dir, name);
      await writeFile(file, tar);
      await assert.rejects(readPackArchive(file), message, name);
    }
  });

  it('a symlink made by the tar tool is refused too', async () => {
    const src = join(dir, 'linked');
    await mkdir(src, { recursive: true });
    await writeFile(join(src, 'pack.json'), '{}');
    await symlink('/etc/hostname', join(src, 'values.yaml'));
    const archive = join(dir, 'linked.tgz');
    await run('tar', ['-czf', archive, '-C', dir, 'linked']);
    await assert.rejects(readPackArchive(archive), /linked\/values\.yaml is not a regular file/);
  });
});
