import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isStrataError } from '@strata/api';
import { Sandbox } from '@strata/sandbox';
import { requireSandboxBinaries } from './sandbox-fixture.js';

describe('sandbox fixture without binaries', () => {
  it('fails (does not skip) and says to run the setup script', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'strata-nobin-'));
    const saved = { cache: process.env['STRATA_CACHE_DIR'], bin: process.env['STRATA_SANDBOX_BIN_DIR'] };
    process.env['STRATA_CACHE_DIR'] = empty;
    delete process.env['STRATA_SANDBOX_BIN_DIR'];
    try {
      await assert.rejects(requireSandboxBinaries(), /run scripts\/setup-local-k8s\.sh/);
      const sandbox = new Sandbox({ stateRoot: join(empty, 'state') });
      await assert.rejects(
        sandbox.createCluster({ name: 'x', nodePools: [{ name: 'cp', count: 1, controlPlane: true }] }),
        (err: unknown) =>
          isStrataError(err) && err.code === 'STRATA_UNAVAILABLE' && /setup-local-k8s\.sh/.test(err.message),
      );
    } finally {
      if (saved.cache === undefined) delete process.env['STRATA_CACHE_DIR'];
      else process.env['STRATA_CACHE_DIR'] = saved.cache;
      if (saved.bin !== undefined) process.env['STRATA_SANDBOX_BIN_DIR'] = saved.bin;
      await rm(empty, { recursive: true, force: true });
    }
  });
});
