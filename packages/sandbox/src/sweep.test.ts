import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { StoredState } from './state.js';
import { findOrphans, killOrphans } from './sweep.js';

describe('orphan sweep', () => {
  const children: ChildProcess[] = [];
  after(() => children.forEach((c) => c.kill('SIGKILL')));
  const started = (binary: string, args: string[]) => {
    const c = spawn(binary, args, { stdio: 'ignore' });
    children.push(c);
    return c;
  };
  const exited = (c: ChildProcess) =>
    c.exitCode !== null || c.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((r) => c.once('exit', () => r()));

  it('kills untracked processes of the cluster’s binaries that name its state directory, and nothing else', async () => {
    const root = await mkdtemp(join(tmpdir(), 'strata-sweep-'));
    try {
      const state = { binDir: '/usr/bin', processes: [], companions: [] } as unknown as StoredState;
      const orphan = started('/usr/bin/tail', ['-F', `${root}/etcd.log`]);
      const bystander = started('/bin/sh', ['-c', `sleep 300; : ${root}/etcd`]);
      const elsewhere = started('/usr/bin/tail', ['-F', `${root}-other/x`]);
      await new Promise((r) => setTimeout(r, 200));
      const found = await findOrphans(root, state);
      assert.ok(found.includes(orphan.pid!), 'the orphan is found');
      assert.ok(!found.includes(bystander.pid!), 'a shell mentioning the path is not ours');
      assert.ok(!found.includes(elsewhere.pid!), 'a process of another directory is not ours');
      await killOrphans(root, state);
      await exited(orphan);
      assert.equal(orphan.signalCode, 'SIGKILL');
      assert.equal(bystander.exitCode, null);
      assert.equal(elsewhere.exitCode, null);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('finds a companion whose record was dropped by the binary recorded before its start', async () => {
    const root = await mkdtemp(join(tmpdir(), 'strata-sweep-'));
    try {
      const state = {
        binDir: '/nonexistent',
        processes: [],
        companions: [],
        companionBinaries: ['/usr/bin/tail'],
      } as unknown as StoredState;
      const agent = started('/usr/bin/tail', ['-F', `${root}/companions/agent/token`]);
      await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual(await findOrphans(root, state), [agent.pid]);
      await killOrphans(root, state);
      await exited(agent);
      assert.equal(agent.signalCode, 'SIGKILL');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
