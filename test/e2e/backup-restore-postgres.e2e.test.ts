// The PostgreSQL procedure of docs/operations/backup-restore.md, run for real: pg_dump -Fc while Strata writes,
// pg_restore into a new database, `strata admin finish-restore` (refusing keys that cannot open the data, then a new
// store epoch), and an agent whose revision is ahead of the dump taking the restored server's desired state.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { openDatabase, pgAdminUrl, readStoreEpoch } from '@strata/store';
import { startServerProcess, type ServerProcess } from './support/server-process.js';
import {
  expectAgentFollowsRestore,
  issueAgentToken,
  publishDesired,
  strataAdmin,
  TestAgent,
} from './support/restore-world.js';

const run = promisify(execFile);

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: pgAdminUrl() });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

function databaseUrl(name: string): string {
  const u = new URL(pgAdminUrl());
  u.pathname = `/${name}`;
  return u.toString();
}

describe('PostgreSQL: pg_dump / pg_restore / strata admin finish-restore', () => {
  const suffix = randomBytes(4).toString('hex');
  const source = `strata_bk_src_${suffix}`;
  const target = `strata_bk_dst_${suffix}`;
  let dir: string;
  let server: ServerProcess | undefined;
  const agent = new TestAgent();

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'strata-pg-restore-'));
    await mkdir(join(dir, 'data'), { mode: 0o700 });
    await admin(`CREATE DATABASE ${source}`);
  });
  after(async () => {
    await server?.stop(); // before the agent: see backup-restore.e2e.test.ts
    await agent.stop();
    for (const name of [source, target]) await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await rm(dir, { recursive: true, force: true });
  });

  it('restores a dump; finish-restore checks keys and starts a new epoch; an agent ahead takes the restored state', async () => {
    const dataDir = join(dir, 'data');
    const src = databaseUrl(source);
    const dump = join(dir, 'strata.dump');
    await issueAgentToken({ url: src, dataDir, tokenFile: join(dir, 'token') });
    assert.equal(await publishDesired({ url: src, dataDir, stackHash: 'stack-A' }), 1);
    await run('pg_dump', ['--format=custom', '--file', dump, src]);
    // After the dump the server goes on: the agent applies revision 3 of this epoch.
    await publishDesired({ url: src, dataDir, stackHash: 'stack-B' });
    assert.equal(await publishDesired({ url: src, dataDir, stackHash: 'stack-C' }), 3);
    const srcHandle = await openDatabase({ url: src });
    const epochBefore = await readStoreEpoch(srcHandle.db);
    await srcHandle.close();
    agent.accepted.push({
      revision: 3,
      epoch: epochBefore,
      cluster: { tenant: 'default', project: 'retail', name: 'shop', uid: 'c-0001' },
      stackHash: 'stack-C',
      layers: [],
      policy: { drift: 'remediate', paused: false },
      mode: 'full',
    });

    await admin(`CREATE DATABASE ${target}`);
    const dst = databaseUrl(target);
    await run('pg_restore', ['--no-owner', '--exit-on-error', '--dbname', dst, dump]);

    const wrong = await strataAdmin(['finish-restore', '--data-dir', dataDir, '--database-url', dst], {
      STRATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    });
    assert.equal(wrong.code, 1);
    assert.match(
      wrong.stderr,
      /refusing: .* cannot open the sealed values of the restored database: key "k\d{8}-[0-9a-f]{6}" \(1 values\) is not in the key ring/,
    );
    const dstHandle = await openDatabase({ url: dst, migrate: false });
    assert.equal(await readStoreEpoch(dstHandle.db), epochBefore, 'a refused finish-restore changes nothing');
    await dstHandle.close();

    const finished = await strataAdmin(['finish-restore', '--data-dir', dataDir, '--database-url', dst]);
    assert.equal(finished.code, 0, finished.stderr);
    assert.match(
      finished.stdout,
      /schema known, .*encryption-keys\.json opens its sealed values; new store epoch/,
    );
    const backupOnPg = await strataAdmin(['backup', '--database-url', dst, '--output', join(dir, 'x.db')]);
    assert.equal(backupOnPg.code, 1);
    assert.match(backupOnPg.stderr, /the database is PostgreSQL: back it up with pg_dump/);

    server = await startServerProcess({ dataDir, databaseUrl: dst });
    agent.start(server.url, join(dir, 'token'));
    await expectAgentFollowsRestore(agent, { epochBefore, restoredStack: 'stack-A', url: dst, dataDir });
  });
});
