/**
 * Sandbox-provider specifics beyond the conformance suite, on one real cluster: an interrupted creation is
 * cleaned up and retried (transient), a stopped cluster is started again by ensure(), and delete works on it.
 */
import assert from 'node:assert/strict';
import { access, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { classifyProviderError, type ProviderCluster } from '@strata/provider-sdk';
import { SETUP_HINT, Sandbox, availableKubernetesVersions } from '@strata/sandbox';
import { SandboxProvider } from './sandbox-provider.js';

describe('sandbox provider: recovery', { concurrency: false }, () => {
  let stateDir = '';
  let provider: SandboxProvider;
  let cluster: ProviderCluster;

  before(async () => {
    const versions = await availableKubernetesVersions();
    if (versions.length === 0)
      throw new Error(`these tests need the local Kubernetes binaries: ${SETUP_HINT}`);
    stateDir = await mkdtemp(join(tmpdir(), 'strata-sandbox-recovery-'));
    provider = new SandboxProvider({ stateDir });
    cluster = {
      name: `rec-${process.pid}`,
      kubernetesVersion: versions[0] as string,
      spec: {
        provider: 'sandbox',
        nodePools: [
          { name: 'control-plane', controlPlane: true, count: 1 },
          { name: 'workers', count: 1 },
        ],
      },
    };
  });
  after(async () => {
    await provider.delete(cluster).catch(() => undefined);
    await rm(stateDir, { recursive: true, force: true });
  });

  it('a creation interrupted before any state was written: the next ensure clears it (transient), then converges', async () => {
    await mkdir(join(stateDir, cluster.name)); // what a crash right after the name reservation leaves
    await assert.rejects(provider.ensure(cluster), (err: unknown) => {
      assert.equal(classifyProviderError(err), 'transient');
      return true;
    });
    const progress = await provider.ensure(cluster);
    assert.equal(progress.ready, true, progress.message);
  });

  it('a stopped cluster is started again by ensure(), keeping its nodes', async () => {
    const sandbox = new Sandbox({ stateRoot: stateDir });
    await sandbox.stop(cluster.name);
    assert.equal((await sandbox.get(cluster.name)).phase, 'stopped');
    const progress = await provider.ensure(cluster);
    assert.equal(progress.ready, true, progress.message);
    assert.equal((await sandbox.get(cluster.name)).phase, 'running');
    assert.deepEqual(
      progress.nodePools.map((p) => [p.name, p.ready]),
      [
        ['control-plane', 1],
        ['workers', 1],
      ],
    );
  });

  it('delete() of a stopped cluster leaves no state', async () => {
    await new Sandbox({ stateRoot: stateDir }).stop(cluster.name);
    assert.deepEqual(await provider.delete(cluster), { done: true });
    await assert.rejects(access(join(stateDir, cluster.name)));
    await assert.rejects(provider.kubeconfig(cluster), /does not exist/);
  });
});
