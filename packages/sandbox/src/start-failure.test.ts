import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isStrataError } from '@strata/api';
import { REQUIRED_BINARIES, SETUP_HINT, findBinarySet } from './binaries.js';
import { Sandbox } from './sandbox.js';

/**
 * A binary set whose etcd is the real one but whose kube-apiserver prints an error and exits:
 * createCluster must fail with the apiserver's last log lines and leave no process and no directory.
 */
describe('a component that fails to start', () => {
  let dir = '';
  let realEtcd = '';
  before(async () => {
    const real = await findBinarySet({});
    if (!real) throw new Error(`sandbox tests need the local Kubernetes binaries: ${SETUP_HINT}`);
    realEtcd = join(real.dir, 'etcd');
    dir = await mkdtemp(join(tmpdir(), 'strata-badbin-'));
    const bin = join(dir, 'bin');
    await mkdir(bin);
    for (const name of REQUIRED_BINARIES) {
      if (name === 'etcd') await symlink(realEtcd, join(bin, name));
      else
        await writeFile(
          join(bin, name),
          '#!/bin/sh\necho "starting $0"\necho "E0101 boom: --frobnicate is not a flag" >&2\nexit 1\n',
          { mode: 0o755 },
        );
    }
    await copyFile(real.kwokStages, join(bin, 'kwok-stages.yaml'));
    await writeFile(join(bin, 'manifest.json'), JSON.stringify({ ...real.manifest, stamp: 'broken' }));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('reports the last log lines of the failing component and cleans up', async () => {
    const stateRoot = join(dir, 'state');
    const sandbox = new Sandbox({ stateRoot, binDir: join(dir, 'bin'), startTimeoutMs: 20_000 });
    await assert.rejects(
      sandbox.createCluster({ name: 'broken', nodePools: [{ name: 'cp', count: 1, controlPlane: true }] }),
      (err: unknown) => {
        assert.ok(isStrataError(err));
        assert.match(err.message, /^kube-apiserver failed to start: process \d+ exited/);
        assert.match(err.message, /last lines of .*kube-apiserver\.log/);
        assert.match(err.message, /E0101 boom: --frobnicate is not a flag/);
        return true;
      },
    );
    assert.deepEqual(await readdir(stateRoot), [], 'state directory removed');
    const stdout = execFileSync('ps', ['-eo', 'args']).toString();
    assert.ok(!stdout.includes(join(dir, 'bin', 'etcd')), 'etcd was stopped');
  });
});
