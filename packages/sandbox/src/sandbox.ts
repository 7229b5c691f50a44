/**
 * The sandbox runtime: create / list / scale / stop / start / delete local clusters made of real
 * etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok processes.
 * All state lives in `<stateRoot>/<name>/`, so any process (e.g. after the parent was killed) can
 * pick a cluster up again from disk.
 */
import { mkdir, rm, writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CoreV1Api } from '@kubernetes/client-node';
import { StrataError } from '@strata/api';
import {
  SETUP_HINT,
  availableKubernetesVersions,
  binaryPath,
  findBinarySet,
  type BinaryName,
  type BinarySet,
} from './binaries.js';
import { FIRST_SERVICE_IP, stateLayout, type StateLayout } from './components.js';
import { renderKubeconfig } from './kubeconfig.js';
import { coreApi, readyNodeCount, reconcilePoolNodes } from './nodes.js';
import { CLIENT_COMPONENTS, generatePki, writePki } from './pki.js';
import { freePorts, portsFree } from './ports.js';
import {
  companionDir,
  ensureCompanion,
  stopCompanions,
  type CompanionSpec,
  type CompanionStatus,
} from './companions.js';
import { isOurs } from './process.js';
import { killOrphans } from './sweep.js';
import { assertAllAlive, startComponents, stopComponents, type RuntimeContext } from './runtime.js';
import { clusterDirNames, defaultStateRoot, readState, writeState, type StoredState } from './state.js';
import { validateClusterSpec } from './validate.js';
import { waitUntil } from './health.js';
import type { ClusterInfo, ClusterPhase, ClusterPorts, ClusterSpec } from './types.js';

export interface SandboxOptions {
  /** Default `${STRATA_DATA_DIR:-~/.local/share/strata}/sandbox`. */
  stateRoot?: string;
  /** Binary cache (default `${STRATA_CACHE_DIR:-~/.cache/strata}/localk8s`). */
  cacheDir?: string;
  /** Use exactly this binary directory (overrides the cache scan). Default: env STRATA_SANDBOX_BIN_DIR. */
  binDir?: string;
  /** Per-component start timeout (default 120 s: 2-core machines with several clusters are slow). */
  startTimeoutMs?: number;
  /** How long to wait for all nodes to be Ready after create/scale/start (default 60 s). */
  nodesReadyTimeoutMs?: number;
}

export interface CreatedCluster extends ClusterInfo {
  /** Admin kubeconfig (system:masters). */
  kubeconfig: string;
}

export class Sandbox {
  readonly stateRoot: string;
  private readonly options: SandboxOptions;

  constructor(options: SandboxOptions = {}) {
    this.options = options;
    this.stateRoot = options.stateRoot ?? defaultStateRoot();
  }

  private layout(name: string): StateLayout {
    return stateLayout(join(this.stateRoot, name));
  }

  private async binaries(version?: string): Promise<BinarySet> {
    const binDir = this.options.binDir ?? process.env['STRATA_SANDBOX_BIN_DIR'];
    const set = await findBinarySet({
      ...(version ? { version } : {}),
      ...(this.options.cacheDir ? { cacheDir: this.options.cacheDir } : {}),
      ...(binDir ? { binDir } : {}),
    });
    if (!set) {
      throw new StrataError(
        'STRATA_UNAVAILABLE',
        `local Kubernetes binaries${version ? ` for ${version}` : ''} are not built: ${SETUP_HINT}`,
      );
    }
    return set;
  }

  private async load(name: string): Promise<{ layout: StateLayout; state: StoredState }> {
    const layout = this.layout(name);
    const state = await readState(layout.stateFile);
    if (!state)
      throw new StrataError('STRATA_NOT_FOUND', `no sandbox cluster named "${name}" in ${this.stateRoot}`);
    return { layout, state };
  }

  private async context(layout: StateLayout, state: StoredState): Promise<RuntimeContext> {
    const set =
      (await findBinarySet({ binDir: state.binDir })) ?? (await this.binaries(state.kubernetesVersion));
    if (set.dir !== state.binDir) state.binDir = set.dir;
    return { layout, bins: set, state, startTimeoutMs: this.options.startTimeoutMs ?? 120_000 };
  }

  /** Creates and starts a cluster; resolves when every node is Ready. Nothing is left behind on failure. */
  async createCluster(spec: ClusterSpec): Promise<CreatedCluster> {
    const binDir = this.options.binDir ?? process.env['STRATA_SANDBOX_BIN_DIR'];
    const versions = binDir
      ? [(await this.binaries()).manifest.kubernetesVersion]
      : await availableKubernetesVersions(this.options.cacheDir);
    const existingNames = new Set(await clusterDirNames(this.stateRoot));
    validateClusterSpec(spec, { existingNames, availableVersions: versions });
    const bins = await this.binaries(spec.kubernetesVersion);
    const layout = this.layout(spec.name);
    try {
      await mkdir(layout.root, { mode: 0o700 }); // atomic reservation of the name
    } catch {
      throw new StrataError('STRATA_ALREADY_EXISTS', `a sandbox cluster named "${spec.name}" already exists`);
    }
    try {
      await mkdir(layout.logs, { recursive: true });
      const pki = await generatePki({ clusterName: spec.name, firstServiceIp: FIRST_SERVICE_IP });
      await writePki(layout.pki, pki);
      const state: StoredState = {
        spec: structuredClone(spec),
        kubernetesVersion: bins.manifest.kubernetesVersion,
        binDir: bins.dir,
        ports: await this.allocatePorts(),
        processes: [],
        createdAt: new Date().toISOString(),
        stopped: false,
      };
      await writeState(layout.stateFile, state);
      await this.writeKubeconfigs(layout, state);
      await this.bringUp({ layout, bins, state, startTimeoutMs: this.options.startTimeoutMs ?? 120_000 });
      return {
        ...(await this.info(spec.name, layout, state)),
        kubeconfig: await readFile(layout.adminKubeconfig, 'utf8'),
      };
    } catch (err) {
      const state = await readState(layout.stateFile);
      if (state) await stopComponents({ layout, state }).catch(() => undefined);
      await rm(layout.root, { recursive: true, force: true });
      throw err;
    }
  }

  private async allocatePorts(): Promise<ClusterPorts> {
    const [etcdClient, etcdPeer, apiserver, controllerManager, scheduler, kwok] = (await freePorts(6)) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    return { etcdClient, etcdPeer, apiserver, controllerManager, scheduler, kwok };
  }

  /** Admin kubeconfig plus one per client component (each with its own client cert). */
  private async writeKubeconfigs(layout: StateLayout, state: StoredState): Promise<void> {
    const read = (f: string): Promise<string> => readFile(join(layout.pki, f), 'utf8');
    const caPem = await read('ca.crt');
    const server = `https://127.0.0.1:${state.ports.apiserver}`;
    const admin = { cert: await read('admin.crt'), key: await read('admin.key') };
    await writeFile(
      layout.adminKubeconfig,
      renderKubeconfig({ clusterName: state.spec.name, server, caPem, user: 'strata-admin', client: admin }),
      { mode: 0o600 },
    );
    for (const component of CLIENT_COMPONENTS) {
      const client = { cert: await read(`${component}.crt`), key: await read(`${component}.key`) };
      await writeFile(
        layout.componentKubeconfig(component),
        renderKubeconfig({ clusterName: state.spec.name, server, caPem, user: component, client }),
        { mode: 0o600 },
      );
    }
  }

  private async bringUp(ctx: RuntimeContext): Promise<void> {
    await startComponents(ctx);
    const api = coreApi(await readFile(ctx.layout.adminKubeconfig, 'utf8'));
    for (const pool of ctx.state.spec.nodePools) await reconcilePoolNodes(api, pool);
    await this.waitNodesReady(ctx, api);
    await assertAllAlive(ctx);
  }

  private async waitNodesReady(ctx: RuntimeContext, api: CoreV1Api): Promise<void> {
    const want = ctx.state.spec.nodePools.reduce((sum, p) => sum + p.count, 0);
    await waitUntil(
      async () => {
        const { ready, total } = await readyNodeCount(api);
        return ready === want && total === want ? true : `${ready}/${want} nodes Ready (${total} exist)`;
      },
      {
        what: `nodes of ${ctx.state.spec.name}`,
        timeoutMs: this.options.nodesReadyTimeoutMs ?? 60_000,
        intervalMs: 100,
        check: () => assertAllAlive(ctx),
      },
    );
  }

  /** Sets a pool's node count and waits until the cluster's Ready node count matches. */
  async scaleNodePool(name: string, pool: string, count: number): Promise<ClusterInfo> {
    const { layout, state } = await this.load(name);
    const index = state.spec.nodePools.findIndex((p) => p.name === pool);
    const target = state.spec.nodePools[index];
    if (!target) throw new StrataError('STRATA_NOT_FOUND', `cluster "${name}" has no node pool "${pool}"`);
    const otherControlPlane = state.spec.nodePools
      .filter((p) => p.controlPlane && p !== target)
      .reduce((sum, p) => sum + p.count, 0);
    if (!Number.isInteger(count) || count < 0 || (target.controlPlane && count + otherControlPlane < 1)) {
      throw new StrataError(
        'STRATA_VALIDATION_FAILED',
        `invalid count ${count} for pool "${pool}" (integer >= 0; a cluster keeps at least one control-plane node)`,
      );
    }
    target.count = count;
    await writeState(layout.stateFile, state);
    const ctx = await this.context(layout, state);
    const api = coreApi(await readFile(layout.adminKubeconfig, 'utf8'));
    await reconcilePoolNodes(api, target);
    await this.waitNodesReady(ctx, api);
    return this.info(name, layout, state);
  }

  /** Stops every process, companions first (etcd data, PKI and kubeconfig are kept). */
  async stop(name: string): Promise<void> {
    const { layout, state } = await this.load(name);
    state.stopped = true;
    await writeState(layout.stateFile, state);
    await stopCompanions(layout, state);
    await stopComponents({ layout, state });
  }

  /**
   * Runs a companion process for the cluster (its strata-agent): started when absent, dead, or changed; recorded in
   * state.json; stopped with the cluster. Call it again to supervise (it restarts a companion that died).
   */
  async ensureCompanion(name: string, spec: CompanionSpec): Promise<CompanionStatus> {
    const { layout, state } = await this.load(name);
    if (state.stopped) {
      throw new StrataError('STRATA_CONFLICT', `sandbox cluster "${name}" is stopped; start it first`);
    }
    return ensureCompanion(layout, state, spec);
  }

  /** A file the companion was started with (e.g. its token), or undefined. */
  async companionFile(name: string, id: string, file: string): Promise<string | undefined> {
    const { layout } = await this.load(name);
    if (file.includes('/')) return undefined;
    return readFile(join(companionDir(layout, id), file), 'utf8').catch(() => undefined);
  }

  /** Path of a tool (helm, kubectl, ...) from the binary set the cluster runs on. */
  async toolPath(name: string, tool: BinaryName): Promise<string> {
    const { layout, state } = await this.load(name);
    const ctx = await this.context(layout, state);
    return binaryPath(ctx.bins, tool);
  }

  /** Stops a companion and forgets it (no error when it is not there). */
  async stopCompanion(name: string, id: string): Promise<void> {
    const { layout, state } = await this.load(name);
    await stopCompanions(layout, state, id);
  }

  /** Starts a stopped (or degraded) cluster again on its previous ports when they are free. */
  async start(name: string): Promise<ClusterInfo> {
    const { layout, state } = await this.load(name);
    const ctx = await this.context(layout, state);
    state.stopped = false;
    await killOrphans(layout.root, state); // e.g. an etcd started just before the parent was killed
    const anyRunning = (await Promise.all(state.processes.map((p) => isOurs(p)))).some(Boolean);
    if (!anyRunning && !(await portsFree(Object.values(state.ports)))) {
      state.ports = await this.allocatePorts(); // someone took a port while we were down
      await this.writeKubeconfigs(layout, state);
    }
    await writeState(layout.stateFile, state);
    await this.bringUp(ctx);
    return this.info(name, layout, state);
  }

  /** Ends exactly the processes this cluster started (checked by PID, executable and start time) and removes its state directory. */
  async delete(name: string): Promise<void> {
    const layout = this.layout(name);
    const state = await readState(layout.stateFile);
    if (!state && !(await clusterDirNames(this.stateRoot)).includes(name)) {
      throw new StrataError('STRATA_NOT_FOUND', `no sandbox cluster named "${name}" in ${this.stateRoot}`);
    }
    if (state) {
      await stopCompanions(layout, state);
      await stopComponents({ layout, state });
    }
    await killOrphans(layout.root, state);
    await rm(layout.root, { recursive: true, force: true });
  }

  async kubeconfig(name: string): Promise<string> {
    const { layout } = await this.load(name);
    return readFile(layout.adminKubeconfig, 'utf8');
  }

  async get(name: string): Promise<ClusterInfo> {
    const { layout, state } = await this.load(name);
    return this.info(name, layout, state);
  }

  /**
   * Every cluster in the state root. With `{ adopt: true }`, clusters whose processes are partly or
   * wholly gone (and that were not stopped on purpose) are restarted; running ones are simply
   * adopted: their PIDs are in state.json, so this process can scale, stop and delete them.
   */
  async list(options: { adopt?: boolean } = {}): Promise<ClusterInfo[]> {
    const infos: ClusterInfo[] = [];
    for (const name of await clusterDirNames(this.stateRoot)) {
      const layout = this.layout(name);
      const state = await readState(layout.stateFile);
      if (!state) continue; // creation in progress (or interrupted before any process started)
      let info = await this.info(name, layout, state);
      if (options.adopt && info.phase === 'degraded') info = await this.start(name);
      infos.push(info);
    }
    return infos;
  }

  /** Adopts a cluster found on disk: restarts missing components if needed. */
  async adopt(name: string): Promise<ClusterInfo> {
    const info = await this.get(name);
    return info.phase === 'degraded' ? this.start(name) : info;
  }

  private async info(name: string, layout: StateLayout, state: StoredState): Promise<ClusterInfo> {
    const alive = await Promise.all(state.processes.map((p) => isOurs(p)));
    const expected =
      3 +
      (state.spec.cost?.controllerManager === false ? 0 : 1) +
      (state.spec.cost?.scheduler === false ? 0 : 1);
    let phase: ClusterPhase;
    if (state.stopped) phase = 'stopped';
    else phase = alive.length === expected && alive.every(Boolean) ? 'running' : 'degraded';
    return {
      name,
      kubernetesVersion: state.kubernetesVersion,
      phase,
      server: `https://127.0.0.1:${state.ports.apiserver}`,
      stateDir: layout.root,
      kubeconfigPath: layout.adminKubeconfig,
      nodePools: state.spec.nodePools,
      processes: state.processes.map(({ component, pid, binary, startedAt }) => ({
        component,
        pid,
        binary,
        startedAt,
      })),
      companions: await Promise.all(
        (state.companions ?? []).map(async (c) => ({
          id: c.id,
          pid: c.pid,
          binary: c.binary,
          startedAt: c.startedAt,
          running: await isOurs(c),
        })),
      ),
    };
  }
}
