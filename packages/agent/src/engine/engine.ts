/**
 * The agent's reconciler. For a desired state it walks the layers in order: a layer whose hash already reached
 * Applied (per the inventory in the cluster) is only put under drift detection; any other layer is applied and
 * waited for. The first layer that fails stops the chain (later layers stay Pending) and the chain is retried with
 * backoff; a newer desired state aborts the run and starts over. When every layer is Applied, layers no longer
 * desired are removed in reverse order. Everything it needs to resume lives in the cluster, so a killed agent
 * picks up where it stopped.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Backoff } from '@strata/api';
import { AbortedError, AgentError, errorMessage, linkSignals } from '../errors.js';
import type { KubeClient } from '../kube/kube-client.js';
import type { Logger } from '../log/logger.js';
import type { Metrics } from '../ops/metrics.js';
import type { AgentPosition, DesiredLayer, DesiredState } from '../protocol/desired-state.js';
import type { ServerClient } from '../protocol/server-client.js';
import { Waker } from '../protocol/wake-sleep.js';
import type { ManagedObject } from '../apply/managed-object.js';
import {
  applyManifestLayer,
  appliedInventory,
  prepareObjects,
  normalizeObject,
} from '../apply/manifest-applier.js';
import { applyHelmLayer, assertHelm, installedReleaseObjects } from '../helm/helm-applier.js';
import type { HelmCli } from '../helm/helm-cli.js';
import { InventoryStore, type LayerInventory } from '../inventory/inventory-store.js';
import { collectObjects } from '../inventory/garbage-collector.js';
import { DriftChecker } from '../drift/drift-checker.js';
import { ObjectWatcher } from '../drift/object-watcher.js';
import { DriftLoop } from './drift-loop.js';
import { LayerBook } from './layer-book.js';
import { LayerLocks } from './layer-locks.js';
import { ManagedRegistry } from './managed-registry.js';
import { remediateLayer } from './remediation.js';

export interface EngineOptions {
  kube: KubeClient;
  helm?: HelmCli;
  /** For bundled charts; absent in tests that never use them. */
  server?: ServerClient;
  logger: Logger;
  metrics: Metrics;
  namespace: string;
  /** The mode the agent was started in; `read-only` wins over whatever the server says. */
  readOnly: boolean;
  layerTimeoutMs: number;
  onChange: () => void;
  retryBaseMs?: number;
  driftDebounceMs?: number;
  resyncMs?: number;
}

export class Engine {
  readonly book: LayerBook;
  readonly registry: ManagedRegistry;
  private readonly locks = new LayerLocks();
  private readonly inventory: InventoryStore;
  private readonly watcher: ObjectWatcher;
  private readonly drift: DriftLoop;
  private readonly stopController = new AbortController();
  private readonly waker = new Waker(this.stopController.signal);
  private readonly retry: Backoff;
  /** Layer key → the hash its objects are registered for drift with. */
  private readonly registered = new Map<string, string>();
  private desired: DesiredState | undefined;
  private chain: AbortController | undefined;
  private dirty = false;
  private retryAt: number | undefined;
  private running: Promise<void> | undefined;
  private workRoot = '';

  private readonly options: EngineOptions;

  constructor(options: EngineOptions) {
    this.options = options;
    const { kube, logger, metrics } = options;
    this.book = new LayerBook(options.onChange);
    this.inventory = new InventoryStore(kube, options.namespace);
    this.retry = new Backoff({ baseMs: options.retryBaseMs ?? 5000, maxMs: 300_000 });
    this.watcher = new ObjectWatcher({
      kube,
      logger,
      onChange: (key) => this.drift.markObjects([key]),
      onResync: (kind) => this.drift.markKind(kind),
    });
    this.registry = new ManagedRegistry((kinds) => this.watcher.setKinds(kinds));
    this.drift = new DriftLoop({
      registry: this.registry,
      book: this.book,
      locks: this.locks,
      checker: new DriftChecker({ kube, dryRun: () => !this.readOnly }),
      logger,
      metrics,
      remediates: () =>
        !this.readOnly && this.desired?.policy.drift === 'remediate' && !this.desired.policy.paused,
      remediate: (layer, objects, signal) => this.remediate(layer, objects, signal),
      signal: this.stopController.signal,
      ...(options.driftDebounceMs !== undefined ? { debounceMs: options.driftDebounceMs } : {}),
      ...(options.resyncMs !== undefined ? { resyncMs: options.resyncMs } : {}),
    });
  }

  get revision(): number {
    return this.desired?.revision ?? 0;
  }

  /** The revision being enforced and the store epoch it counts in. */
  get position(): AgentPosition {
    return { revision: this.revision, epoch: this.desired?.epoch };
  }

  get readOnly(): boolean {
    return this.options.readOnly || this.desired?.mode === 'read-only';
  }

  get watchedKinds(): string[] {
    return this.watcher.watchedKinds;
  }

  async start(workRoot: string): Promise<void> {
    this.workRoot = await mkdtemp(join(workRoot, 'strata-agent-'));
    this.drift.start();
    this.running ??= this.loop();
  }

  async stop(): Promise<void> {
    this.stopController.abort();
    this.chain?.abort();
    await this.running;
    await this.drift.stop();
    await this.watcher.stop();
    if (this.workRoot) await rm(this.workRoot, { recursive: true, force: true });
  }

  /** A new desired state: the current run (if any) is aborted and a new one starts. */
  setDesired(state: DesiredState): void {
    this.desired = state;
    this.dirty = true;
    this.retryAt = undefined;
    this.retry.reset();
    this.chain?.abort();
    this.waker.wake();
  }

  private async loop(): Promise<void> {
    const stop = this.stopController.signal;
    while (!stop.aborted) {
      if (!this.dirty) {
        await this.waker.sleep(
          this.retryAt === undefined ? 3_600_000 : Math.max(0, this.retryAt - Date.now()),
        );
        if (this.retryAt !== undefined && Date.now() >= this.retryAt) {
          this.retryAt = undefined;
          this.dirty = true;
        }
        continue;
      }
      this.dirty = false;
      const desired = this.desired;
      if (!desired) continue;
      const controller = new AbortController();
      this.chain = controller;
      const linked = linkSignals([controller.signal, stop]);
      const started = Date.now();
      try {
        const ok = await this.runChain(desired, linked.signal);
        this.options.metrics.inc('strata_agent_reconciles_total', 'Runs of the layer chain', {
          result: ok ? 'ok' : 'failed',
        });
        if (ok) {
          this.retry.reset();
          this.retryAt = undefined;
        } else this.retryAt = Date.now() + this.retry.next();
      } catch (error) {
        if (error instanceof AbortedError || controller.signal.aborted || stop.aborted) continue;
        this.options.logger.error('reconcile failed', {
          revision: desired.revision,
          error: errorMessage(error),
        });
        this.options.metrics.inc('strata_agent_reconciles_total', 'Runs of the layer chain', {
          result: 'error',
        });
        this.retryAt = Date.now() + this.retry.next();
      } finally {
        linked.dispose();
        this.options.metrics.set(
          'strata_agent_last_reconcile_seconds',
          'Duration of the last layer-chain run',
          (Date.now() - started) / 1000,
        );
      }
    }
  }

  /** One pass over the stack. True when every layer is Applied (or Drifted) and removals are done. */
  private async runChain(desired: DesiredState, signal: AbortSignal): Promise<boolean> {
    const { logger } = this.options;
    const readOnly = this.readOnly;
    const inventories = readOnly ? [] : await this.inventory.list(signal);
    const byKey = new Map(inventories.map((i) => [i.key, i]));
    const wanted = new Set(desired.layers.map((l) => l.key));
    const removing = inventories.filter((i) => !wanted.has(i.key)).sort((a, b) => b.index - a.index);
    this.book.reset(desired.layers, removing);
    for (const key of this.registered.keys()) if (!wanted.has(key)) this.registered.delete(key);
    this.registry.retain(wanted);
    logger.info('reconciling', {
      revision: desired.revision,
      layers: desired.layers.length,
      removing: removing.length,
      readOnly,
    });

    let blocker: string | undefined;
    // False when a layer waits on something outside the agent (a missing release it may not install): retry later.
    let settled = true;
    for (const layer of desired.layers) {
      if (blocker) {
        // A layer already in force with this content stays in force (and under drift detection); the rest wait.
        if (this.registered.get(layer.key) !== layer.hash)
          this.book.set(layer.key, { state: 'Pending', message: `waiting for layer ${blocker}` });
        continue;
      }
      try {
        const done = await this.locks.run(layer.key, () =>
          this.reconcileLayer(desired, layer, byKey.get(layer.key), signal),
        );
        settled &&= done;
      } catch (error) {
        if (error instanceof AbortedError || signal.aborted) throw new AbortedError();
        blocker = layer.key;
        const message = errorMessage(error);
        this.book.set(layer.key, { state: 'Failed', message });
        this.options.metrics.inc('strata_agent_layer_failures_total', 'Layers that failed to apply', {
          code: error instanceof AgentError ? error.code : 'Error',
        });
        logger.warn('layer failed', {
          layer: layer.key,
          code: error instanceof AgentError ? error.code : 'Error',
          error: message,
        });
      }
    }
    if (blocker || readOnly || desired.policy.paused) return !blocker && settled;

    for (const inv of removing) {
      try {
        await this.locks.run(inv.key, () => this.removeLayer(inv, signal));
      } catch (error) {
        if (error instanceof AbortedError || signal.aborted) throw new AbortedError();
        this.book.set(inv.key, {
          state: 'Removing',
          message: `removal failed, retrying: ${errorMessage(error)}`,
        });
        logger.warn('layer removal failed', { layer: inv.key, error: errorMessage(error) });
        return false;
      }
    }
    return settled;
  }

  /** Puts a layer under drift detection and checks it now (the caller holds its lock). */
  private async enforce(layer: DesiredLayer, objects: ManagedObject[]): Promise<void> {
    this.registry.setLayer(layer.key, objects);
    this.registered.set(layer.key, layer.hash);
    await this.drift.checkLayerHeld(layer.key);
  }

  /** Brings one layer to its desired state (the caller holds its lock). False: not settled, check again later. */
  private async reconcileLayer(
    desired: DesiredState,
    layer: DesiredLayer,
    inv: LayerInventory | undefined,
    signal: AbortSignal,
  ): Promise<boolean> {
    const { kube } = this.options;
    const content = layer.content;
    const unchanged = this.readOnly || inv?.appliedHash === layer.hash;
    // Already enforced with this content: nothing to apply. The revision may have changed the drift policy, so the
    // layer is checked again now (under `remediate` that repairs drift that `report` left in place).
    if (unchanged && this.registered.get(layer.key) === layer.hash) {
      if (!this.readOnly) await this.drift.checkLayerHeld(layer.key);
      return true;
    }

    if (unchanged) {
      if (content.type === 'info') {
        this.book.set(layer.key, { state: 'Applied' });
        return true;
      }
      if (content.type === 'manifest') {
        // Read-only: compared as written (the agent never applied them, so they carry none of its labels).
        const objects = this.readOnly
          ? await Promise.all(
              content.objects.map(async (o): Promise<ManagedObject> => {
                const { ref, obj } = await normalizeObject(kube, o);
                return { ref, desired: obj, origin: 'adopted' };
              }),
            )
          : await prepareObjects(kube, layer.key, content.objects, inv, signal);
        await this.enforce(layer, objects);
        return true;
      }
      const helm = assertHelm(this.options.helm);
      const objects = await installedReleaseObjects(kube, helm, content.helm);
      if (objects) {
        await this.enforce(layer, objects);
        return true;
      }
      const missing = `Helm release ${content.helm.releaseName} in namespace ${content.helm.namespace} is not installed`;
      if (this.readOnly || desired.policy.paused || desired.policy.drift === 'report') {
        this.book.set(layer.key, { state: this.readOnly ? 'Pending' : 'Drifted', message: missing });
        return false;
      }
      this.options.logger.info('reinstalling a release removed behind the agent', { layer: layer.key });
    }

    if (desired.policy.paused) {
      this.book.set(layer.key, { state: 'Pending', message: 'paused by cluster policy' });
      return true;
    }

    this.registry.removeLayer(layer.key);
    this.registered.delete(layer.key);
    this.book.set(layer.key, { state: 'Applying' });
    const started = Date.now();
    const deadline = started + this.options.layerTimeoutMs;
    const ctx = { kube, inventory: this.inventory, logger: this.options.logger, deadline, signal };
    let objects: ManagedObject[];
    if (content.type === 'helm') {
      const result = await applyHelmLayer(
        { ...ctx, helm: assertHelm(this.options.helm), server: this.options.server, workRoot: this.workRoot },
        layer,
        content.helm,
        inv,
      );
      await this.inventory.write(result.inventory, signal);
      objects = result.managed;
    } else {
      objects = await applyManifestLayer(ctx, layer, content.type === 'manifest' ? content.objects : [], inv);
      await this.inventory.write(appliedInventory(layer, objects), signal);
    }
    this.registry.setLayer(layer.key, objects);
    this.registered.set(layer.key, layer.hash);
    this.book.set(layer.key, { state: 'Applied' });
    this.options.metrics.inc('strata_agent_layer_applies_total', 'Layers applied', { type: content.type });
    this.options.logger.info('layer applied', {
      layer: layer.key,
      objects: objects.length,
      ms: Date.now() - started,
    });
    return true;
  }

  /** Uninstalls a layer no longer desired (the caller holds its lock). */
  private async removeLayer(inv: LayerInventory, signal: AbortSignal): Promise<void> {
    this.book.set(inv.key, { state: 'Removing' });
    if (inv.helm?.origin === 'created')
      await assertHelm(this.options.helm).uninstall(
        inv.helm.releaseName,
        inv.helm.namespace,
        this.options.layerTimeoutMs,
      );
    await collectObjects(this.options.kube, inv.key, inv.objects, { logger: this.options.logger, signal });
    await this.inventory.remove(inv.key, signal);
    this.registry.removeLayer(inv.key);
    this.book.remove(inv.key);
    this.options.logger.info('layer removed', { layer: inv.key });
  }

  private async remediate(layerKey: string, objects: ManagedObject[], signal: AbortSignal): Promise<void> {
    const layer = this.desired?.layers.find((l) => l.key === layerKey);
    if (!layer) return;
    this.options.logger.info('remediating drift', { layer: layerKey, objects: objects.length });
    await remediateLayer(
      {
        kube: this.options.kube,
        inventory: this.inventory,
        logger: this.options.logger,
        deadline: Date.now() + this.options.layerTimeoutMs,
        signal,
        helm: this.options.helm,
        server: this.options.server,
        workRoot: this.workRoot,
      },
      layer,
      objects,
    );
  }
}
