import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isOurs, startProcess, stopProcess } from './process.js';

describe('process ownership', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'strata-process-'));
  after(() => rm(dir, { recursive: true, force: true }));

  it('starts detached, recognises its own process and stops it', async () => {
    const rec = await startProcess({
      component: 'kwok',
      binary: '/bin/sleep',
      args: ['30'],
      logFile: join(dir, 'a.log'),
      cwd: dir,
    });
    assert.equal(await isOurs(rec), true);
    await stopProcess(rec, 2000);
    assert.equal(await isOurs(rec), false);
  });

  it('never signals a PID whose executable or start time differs', async () => {
    const foreign = spawn('/bin/sleep', ['30'], { stdio: 'ignore' });
    try {
      const pid = foreign.pid!;
      await stopProcess({ pid, binary: '/usr/bin/not-sleep', startedAt: '' }, 200);
      await stopProcess({ pid, binary: '/bin/sleep', startedAt: '', procStartTime: '1' }, 200);
      assert.equal(foreign.exitCode, null);
      assert.equal(foreign.signalCode, null);
      assert.doesNotThrow(() => process.kill(pid, 0), 'the foreign process is still alive');
    } finally {
      foreign.kill('SIGKILL');
    }
  });
});
