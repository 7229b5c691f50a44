import { strict as assert } from 'node:assert';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { encodeFile, readPackDirectory } from './pack-files.js';
import { tempDir } from './testing/run.js';

describe('encodeFile', () => {
  const rows: { name: string; path: string; content: Buffer; expect: string | { base64: string } }[] = [
    { name: 'UTF-8 text stays text', path: 'values.yaml', content: Buffer.from('a: ü\n'), expect: 'a: ü\n' },
    {
      name: '.tgz is binary',
      path: 'chart/demo-0.1.0.tgz',
      content: Buffer.from('abc'),
      expect: { base64: 'YWJj' },
    },
    { name: '.tar.gz is binary', path: 'x.TAR.GZ', content: Buffer.from('abc'), expect: { base64: 'YWJj' } },
    { name: '.png is binary', path: 'icon.png', content: Buffer.from('abc'), expect: { base64: 'YWJj' } },
    {
      name: 'a NUL byte makes it binary',
      path: 'data',
      content: Buffer.from([0x61, 0]),
      expect: { base64: 'YQA=' },
    },
    {
      name: 'invalid UTF-8 is binary',
      path: 'latin1.txt',
      content: Buffer.from([0xe9]),
      expect: { base64: '6Q==' },
    },
  ];
  for (const row of rows) it(row.name, () => assert.deepEqual(encodeFile(row.path, row.content), row.expect));
});

describe('readPackDirectory', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => {
    ({ dir, cleanup } = await tempDir());
    await mkdir(join(dir, 'pack', 'manifests'), { recursive: true });
    await mkdir(join(dir, 'pack', '.cache'), { recursive: true });
    await writeFile(join(dir, 'pack', 'pack.yaml'), 'name: p\n');
    await writeFile(join(dir, 'pack', 'manifests', 'b.yaml'), 'b\n');
    await writeFile(join(dir, 'pack', 'manifests', 'a.yaml'), 'a\n');
    await writeFile(join(dir, 'pack', '.cache', 'x'), 'x\n');
    await mkdir(join(dir, 'empty'));
  });
  after(() => cleanup());

  it('reads files recursively in path order with /-separated paths, skipping dot-directories', async () => {
    const files = await readPackDirectory(join(dir, 'pack'));
    assert.deepEqual(Object.keys(files), ['manifests/a.yaml', 'manifests/b.yaml', 'pack.yaml']);
  });

  it('refuses too many files, too many bytes and empty directories', async () => {
    await assert.rejects(
      readPackDirectory(join(dir, 'pack'), { maxFiles: 2 }),
      /3 files; a pack may have at most 2/,
    );
    await assert.rejects(readPackDirectory(join(dir, 'pack'), { maxBytes: 5 }), /more than 5 bytes in total/);
    await assert.rejects(readPackDirectory(join(dir, 'empty')), /the directory is empty/);
  });
});
