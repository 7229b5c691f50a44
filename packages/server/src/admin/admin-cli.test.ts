import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDatabase } from '@strata/store';
import { runAdminCli } from './admin-cli.js';

describe('strata admin: usage and refusals before anything is touched', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'strata-admin-cli-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  const run = async (argv: string[], env: NodeJS.ProcessEnv = {}) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runAdminCli(argv, { out: (l) => out.push(l), warn: (l) => err.push(l) }, env);
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  const rows: { name: string; argv: string[]; code: number; err: RegExp }[] = [
    { name: 'no command', argv: [], code: 2, err: /^$/ },
    { name: 'an unknown command', argv: ['frobnicate'], code: 2, err: /unknown command "frobnicate"/ },
    { name: 'backup without --output', argv: ['backup'], code: 2, err: /backup needs --output FILE/ },
    {
      name: '--include-keys without a passphrase file',
      argv: ['backup', '--output', 'x.db', '--include-keys'],
      code: 2,
      err: /--include-keys needs --passphrase-file/,
    },
    { name: 'restore without a file', argv: ['restore'], code: 2, err: /exactly one backup FILE/ },
    { name: 'an unknown flag', argv: ['backup', '--frob'], code: 2, err: /Unknown option '--frob'/ },
  ];
  for (const row of rows) {
    it(row.name, async () => {
      const r = await run(row.argv);
      assert.equal(r.code, row.code);
      assert.match(r.err, row.err);
    });
  }

  it('refuses a short passphrase, a missing database and a missing backup, naming them', async () => {
    const short = join(dir, 'short');
    await writeFile(short, 'too short\n');
    const dataDir = join(dir, 'data');
    const weak = await run([
      'backup',
      '--data-dir',
      dataDir,
      '-o',
      join(dir, 'b.db'),
      '--include-keys',
      '--passphrase-file',
      short,
    ]);
    assert.equal(weak.code, 1);
    assert.match(weak.err, /shorter than 12 characters/);
    const none = await run(['backup', '--data-dir', dataDir, '-o', join(dir, 'b.db')]);
    assert.equal(none.code, 1);
    assert.match(none.err, /no database at .*data\/strata\.db/);
    const missing = await run(['restore', join(dir, 'nope.db'), '--data-dir', dataDir]);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /no backup at .*nope\.db/);
    const pg = await run(['restore', join(dir, 'nope.db'), '--database-url', 'postgres://x@127.0.0.1:1/db']);
    assert.equal(pg.code, 1);
    assert.match(
      pg.err,
      /the database is PostgreSQL: restore it with pg_restore .* then run strata admin finish-restore/,
    );
  });

  it('backs up and restores a database without sealed values, which needs no keys', async () => {
    const from = join(dir, 'empty');
    const handle = await openDatabase({ url: `sqlite:${join(dir, 'empty.db')}` });
    await handle.close();
    const made = await run([
      'backup',
      '--database-url',
      `sqlite:${join(dir, 'empty.db')}`,
      '--data-dir',
      from,
      '-o',
      join(dir, 'empty-backup.db'),
    ]);
    assert.equal(made.code, 0, made.err);
    assert.match(made.out, /0 sealed values \(keys none\)/);
    assert.doesNotMatch(made.err, /warning/);
    const restored = await run([
      'restore',
      join(dir, 'empty-backup.db'),
      '--data-dir',
      join(dir, 'restored'),
    ]);
    assert.equal(restored.code, 0, restored.err);
    assert.match(restored.out, /schema known, no sealed values \(no keys needed\)/);
    assert.match(restored.out, /new store epoch/);
  });
});
