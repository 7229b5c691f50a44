/**
 * A real Kubernetes cluster for a node:test suite: created once in `before`, deleted in `after`.
 *
 *   import { describe, it } from 'node:test';
 *   import { useSandboxCluster } from '@strata/testing';
 *
 *   describe('my controller', () => {
 *     const sandbox = useSandboxCluster({ workers: 2 });
 *     it('talks to Kubernetes', async () => {
 *       const kc = new KubeConfig(); kc.loadFromString(sandbox.kubeconfig);
 *       ...
 *     });
 *   });
 *
 * When the binaries are not built the suite FAILS (never skips) with a message to run
 * scripts/setup-local-k8s.sh. Each fixture uses its own temporary state root, so suites never see
 * each other's clusters and nothing is left behind.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import {
  SETUP_HINT,
  Sandbox,
  findBinarySet,
  type BinaryName,
  type CostOptions,
  type CreatedCluster,
  type NodePoolSpec,
} from '@strata/sandbox';

export interface SandboxClusterOptions {
  /** Default: `t-<random>`. */
  name?: string;
  /** Worker count for the default pools (1 control-plane + N workers). Default 3. */
  workers?: number;
  /** Replaces the default pools entirely. */
  nodePools?: NodePoolSpec[];
  kubernetesVersion?: string;
  /** Default: watch cache off (the runtime default). */
  cost?: CostOptions;
}

export interface SandboxClusterFixture {
  /** Available inside tests (after `before` ran). */
  readonly cluster: CreatedCluster;
  readonly kubeconfig: string;
  readonly kubeconfigPath: string;
  readonly sandbox: Sandbox;
  /** Path of a built tool (kubectl, helm, ...) from the same binary set. */
  bin(name: BinaryName): string;
}

/** Throws an error telling the developer to run the setup script when binaries are missing. */
export async function requireSandboxBinaries(): Promise<string> {
  const set = await findBinarySet({});
  if (!set)
    throw new Error(`sandbox tests need the local Kubernetes binaries, which are not built: ${SETUP_HINT}`);
  return set.dir;
}

/** Registers before/after hooks in the current suite and returns a handle filled in by `before`. */
export function useSandboxCluster(options: SandboxClusterOptions = {}): SandboxClusterFixture {
  let cluster: CreatedCluster | undefined;
  let sandbox: Sandbox | undefined;
  let stateRoot: string | undefined;
  let binDir = '';
  const name = options.name ?? `t-${randomBytes(3).toString('hex')}`;
  const ready = (): { cluster: CreatedCluster; sandbox: Sandbox } => {
    if (!cluster || !sandbox)
      throw new Error('sandbox cluster is not ready (used outside a test, or before() failed)');
    return { cluster, sandbox };
  };

  before(async () => {
    binDir = await requireSandboxBinaries();
    stateRoot = await mkdtemp(join(tmpdir(), 'strata-sandbox-'));
    sandbox = new Sandbox({ stateRoot, binDir });
    cluster = await sandbox.createCluster({
      name,
      ...(options.kubernetesVersion ? { kubernetesVersion: options.kubernetesVersion } : {}),
      ...(options.cost ? { cost: options.cost } : {}),
      nodePools: options.nodePools ?? [
        { name: 'control-plane', count: 1, controlPlane: true },
        { name: 'workers', count: options.workers ?? 3 },
      ],
    });
  });

  after(async () => {
    if (sandbox && cluster) await sandbox.delete(cluster.name).catch(() => undefined);
    if (stateRoot) await rm(stateRoot, { recursive: true, force: true });
  });

  return {
    get cluster() {
      return ready().cluster;
    },
    get kubeconfig() {
      return ready().cluster.kubeconfig;
    },
    get kubeconfigPath() {
      return ready().cluster.kubeconfigPath;
    },
    get sandbox() {
      return ready().sandbox;
    },
    bin(tool: BinaryName): string {
      if (!binDir) throw new Error('sandbox binaries not located yet (use inside a test)');
      return join(binDir, tool);
    },
  };
}
