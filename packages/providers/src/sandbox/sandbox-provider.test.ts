/**
 * The provider conformance suite on real sandbox clusters (one cluster, created once), plus what only the sandbox
 * provider promises: nothing is left after delete (no process, no state directory).
 */
import assert from 'node:assert/strict';
import { access, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { runProviderConformance } from '@strata/provider-sdk/conformance';
import { SETUP_HINT, availableKubernetesVersions } from '@strata/sandbox';
import { SandboxProvider } from './sandbox-provider.js';

const stateDir = await mkdtemp(join(tmpdir(), 'strata-sandbox-provider-'));
const pidsBefore = new Set<number>();

async function ourProcesses(): Promise<number[]> {
  // Processes whose command line mentions our temporary state directory (the sandbox runtime's components do).
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = await readFile(`/proc/${entry}/cmdline`, 'utf8');
      if (cmd.includes(stateDir)) pids.push(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  return pids;
}

before(async () => {
  if ((await availableKubernetesVersions()).length === 0) {
    throw new Error(
      `the sandbox provider conformance suite needs the local Kubernetes binaries: ${SETUP_HINT}`,
    );
  }
  for (const pid of await ourProcesses()) pidsBefore.add(pid);
});
after(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

runProviderConformance({
  name: 'sandbox',
  makeProvider: async () => {
    if ((await availableKubernetesVersions()).length === 0) {
      // Never skip: without binaries every conformance test fails with this message.
      throw new Error(
        `the sandbox provider conformance suite needs the local Kubernetes binaries: ${SETUP_HINT}`,
      );
    }
    return new SandboxProvider({ stateDir });
  },
  makeCluster: ({ name, kubernetesVersion, nodePools }) => ({
    name,
    kubernetesVersion,
    osImage: 'ubuntu@24.04.1',
    spec: { provider: 'sandbox', nodePools },
  }),
  assertNothingLeft: async (cluster) => {
    await assert.rejects(access(join(stateDir, cluster.name)), 'the state directory is gone');
    const left = (await ourProcesses()).filter((pid) => !pidsBefore.has(pid));
    assert.deepEqual(left, [], 'no sandbox process of this cluster is left');
  },
});
