import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { companionDir, ensureCompanion, stopCompanions } from './companions.js';
import { stateLayout, type StateLayout } from './components.js';
import { isOurs } from './process.js';
import { readState, writeState, type StoredState } from './state.js';

// Companions need no cluster: a layout on disk and a state file are enough to exercise their lifecycle.
describe('companion processes', () => {
  let root: string;
  let layout: StateLayout;
  const state = (): Promise<StoredState> => readState(layout.stateFile) as Promise<StoredState>;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'strata-companion-'));
    layout = stateLayout(join(root, 'c1'));
    await mkdir(layout.logs, { recursive: true });
    await writeState(layout.stateFile, {
      spec: { name: 'c1', nodePools: [] },
      kubernetesVersion: 'v1.36.3',
      binDir: '',
      ports: { etcdClient: 0, etcdPeer: 0, apiserver: 0, controllerManager: 0, scheduler: 0, kwok: 0 },
      processes: [],
      createdAt: new Date().toISOString(),
      stopped: false,
    });
  });
  after(async () => {
    await stopCompanions(layout, await state());
    await rm(root, { recursive: true, force: true });
  });

  const spec = (arg: string) => ({
    id: 'agent',
    binary: '/bin/sleep',
    args: [arg],
    files: { token: 'secret-token' },
  });

  it('starts once, writes its files 0600, and is a no-op while it runs unchanged', async () => {
    const first = await ensureCompanion(layout, await state(), spec('300'));
    assert.equal(first.started, true);
    const again = await ensureCompanion(layout, await state(), spec('300'));
    assert.deepEqual([again.started, again.pid], [false, first.pid]);
    const token = join(companionDir(layout, 'agent'), 'token');
    assert.equal(await readFile(token, 'utf8'), 'secret-token');
    assert.equal((await stat(token)).mode & 0o777, 0o600);
    assert.equal((await state()).companions?.length, 1);
  });

  it('restarts a companion that died, counting restarts', async () => {
    const before = (await state()).companions![0]!;
    process.kill(before.pid, 'SIGKILL');
    for (let i = 0; i < 100 && (await isOurs(before)); i++) await new Promise((r) => setTimeout(r, 20));
    const after = await ensureCompanion(layout, await state(), spec('300'));
    assert.equal(after.started, true);
    assert.notEqual(after.pid, before.pid);
    assert.equal(after.restarts, 1);
  });

  it('replaces a companion whose command line changed', async () => {
    const old = (await state()).companions![0]!;
    const changed = await ensureCompanion(layout, await state(), spec('301'));
    assert.equal(changed.started, true);
    assert.equal(await isOurs(old), false, 'the old process was stopped');
    assert.equal(changed.restarts, 0);
  });

  it('ends a copy whose parent was killed before it recorded the PID, then starts one', async () => {
    const tailing = {
      id: 'tail',
      binary: '/usr/bin/tail',
      args: ['-F', '{dir}/token'],
      files: { token: 't' },
    };
    const first = await ensureCompanion(layout, await state(), tailing);
    const lost = (await state()).companions!.find((c) => c.id === 'tail')!;
    // The record never reached the disk: the state file only knows the binary was about to be started.
    const forgotten = await state();
    forgotten.companions = forgotten.companions!.filter((c) => c.id !== 'tail');
    await writeState(layout.stateFile, forgotten);
    assert.deepEqual(forgotten.companionBinaries?.includes('/usr/bin/tail'), true);
    const second = await ensureCompanion(layout, await state(), tailing);
    assert.equal(second.started, true);
    assert.notEqual(second.pid, first.pid);
    for (let i = 0; i < 100 && (await isOurs(lost)); i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(await isOurs(lost), false, 'the unrecorded copy was ended');
    await stopCompanions(layout, await state(), 'tail');
  });

  it('stops and forgets companions; refuses ids that are not labels', async () => {
    const running = (await state()).companions![0]!;
    await stopCompanions(layout, await state());
    assert.equal(await isOurs(running), false);
    assert.deepEqual((await state()).companions, []);
    await assert.rejects(ensureCompanion(layout, await state(), { ...spec('1'), id: '../x' }), /DNS-1123/);
  });
});
