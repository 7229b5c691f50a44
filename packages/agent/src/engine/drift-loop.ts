/**
 * Turns watch events into drift checks: changed objects are collected for a short debounce, grouped by layer, and
 * each layer is checked under its lock (never while it is being applied). A drifted layer is reported at once;
 * with remediation on, the drifted objects are re-applied and checked again. Remediation that keeps being undone
 * (another controller fighting over a field) is rate-limited instead of looping.
 */
import type { DriftEntry } from '@strata/api';
import { errorMessage, type AgentError } from '../errors.js';
import { kindKey, refKey } from '../kube/object-ref.js';
import type { Logger } from '../log/logger.js';
import type { Metrics } from '../ops/metrics.js';
import { forEachLimited } from '../apply/pool.js';
import type { ManagedObject } from '../apply/managed-object.js';
import type { DriftChecker } from '../drift/drift-checker.js';
import type { LayerBook } from './layer-book.js';
import type { LayerLocks } from './layer-locks.js';
import type { ManagedRegistry } from './managed-registry.js';

export interface DriftLoopOptions {
  registry: ManagedRegistry;
  book: LayerBook;
  locks: LayerLocks;
  checker: DriftChecker;
  logger: Logger;
  metrics: Metrics;
  /** Whether drift is repaired now (full mode, policy remediate, not paused). */
  remediates: () => boolean;
  remediate: (layerKey: string, objects: ManagedObject[], signal: AbortSignal) => Promise<void>;
  signal: AbortSignal;
  debounceMs?: number;
  /** Every object is re-checked this often even without events (a watch can fail silently). */
  resyncMs?: number;
  /** At most this many remediations of one layer per window. */
  remediationBurst?: number;
  remediationWindowMs?: number;
}

function summary(entries: readonly DriftEntry[]): string {
  const objects = new Set(
    entries.map(
      (e) => `${e.object.kind} ${e.object.namespace ? `${e.object.namespace}/` : ''}${e.object.name}`,
    ),
  );
  const missing = entries.filter((e) => e.path === '').length;
  const first = [...objects].slice(0, 3).join(', ');
  return `${entries.length} difference${entries.length === 1 ? '' : 's'} in ${objects.size} object${objects.size === 1 ? '' : 's'} (${first}${objects.size > 3 ? ', …' : ''})${missing ? `; ${missing} missing` : ''}`;
}

export class DriftLoop {
  private readonly pending = new Map<string, Set<string>>();
  private timer: NodeJS.Timeout | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  private readonly remediations = new Map<string, number[]>();
  private readonly inFlight = new Set<Promise<void>>();

  private readonly options: DriftLoopOptions;

  constructor(options: DriftLoopOptions) {
    this.options = options;
  }

  start(): void {
    const every = this.options.resyncMs ?? 300_000;
    this.resyncTimer = setInterval(() => this.markAll(), every);
    this.resyncTimer.unref();
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    clearInterval(this.resyncTimer);
    await Promise.allSettled([...this.inFlight]);
  }

  markObjects(keys: readonly string[]): void {
    for (const key of keys) {
      const layer = this.options.registry.layerOf(key);
      if (!layer) continue;
      let set = this.pending.get(layer);
      if (!set) this.pending.set(layer, (set = new Set()));
      set.add(key);
    }
    if (this.pending.size > 0) this.schedule();
  }

  markKind(kind: string): void {
    this.markObjects(this.options.registry.keysOfKind(kind));
  }

  markAll(): void {
    for (const kind of this.options.registry.kinds()) this.markKind(kindKey(kind));
  }

  private schedule(): void {
    if (this.timer || this.options.signal.aborted) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.options.debounceMs ?? 100);
  }

  private flush(): void {
    const { locks, book, logger } = this.options;
    for (const [layer, keys] of this.pending) {
      this.pending.delete(layer);
      const p = locks
        .run(layer, async () => {
          const state = book.get(layer)?.state;
          // Layers not (yet) in force are the apply chain's business.
          if (state !== 'Applied' && state !== 'Drifted') return;
          await this.checkLayerHeld(layer, [...keys]);
        })
        .catch((error: unknown) => {
          if (this.options.signal.aborted) return;
          logger.warn('drift check failed, retrying', { layer, error: errorMessage(error) });
          // A failed check must not leave drift unnoticed: try these objects again shortly.
          setTimeout(() => this.markObjects([...keys]), 2000).unref();
        })
        .finally(() => this.inFlight.delete(p));
      this.inFlight.add(p);
    }
  }

  private async checkObjects(objects: readonly ManagedObject[]): Promise<void> {
    const { registry, checker, signal } = this.options;
    const lookup = await checker.prefetch(objects, signal);
    await forEachLimited(objects, 8, async (m) =>
      registry.setDrift(refKey(m.ref), await checker.check(m, signal, lookup)),
    );
  }

  private allowRemediation(layer: string): boolean {
    const now = Date.now();
    const window = this.options.remediationWindowMs ?? 60_000;
    const recent = (this.remediations.get(layer) ?? []).filter((t) => now - t < window);
    this.remediations.set(layer, recent);
    if (recent.length >= (this.options.remediationBurst ?? 5)) return false;
    recent.push(now);
    return true;
  }

  /**
   * Checks the given objects of a layer (all when `keys` is undefined) and reports and repairs drift. The caller
   * holds the layer's lock.
   */
  async checkLayerHeld(layer: string, keys?: readonly string[]): Promise<void> {
    const { registry, book, logger, metrics, signal } = this.options;
    const objects = keys
      ? keys.filter((k) => registry.layerOf(k) === layer).map((k) => registry.get(k)!)
      : registry.objects(layer);
    await this.checkObjects(objects);
    const drift = registry.layerDrift(layer);
    if (drift.length === 0) {
      book.set(layer, { state: 'Applied' });
      return;
    }
    const wasDrifted = book.get(layer)?.state === 'Drifted';
    if (!wasDrifted) {
      metrics.inc('strata_agent_drift_detected_total', 'Layers found drifted', { layer });
      logger.info('drift detected', { layer, differences: drift.length });
    }
    book.set(layer, { state: 'Drifted', drift, message: summary(drift) });
    if (!this.options.remediates()) return;
    if (!this.allowRemediation(layer)) {
      const retryMs = this.options.remediationWindowMs ?? 60_000;
      book.set(layer, {
        state: 'Drifted',
        drift,
        message: `${summary(drift)}; remediation paused: the change keeps coming back, retrying in ${Math.round(retryMs / 1000)} s`,
      });
      setTimeout(() => this.markObjects(registry.objectKeys(layer)), retryMs).unref();
      return;
    }
    const drifted = registry.driftedObjects(layer);
    try {
      await this.options.remediate(layer, drifted, signal);
      metrics.inc('strata_agent_remediations_total', 'Drift remediations', { result: 'ok' });
    } catch (error) {
      metrics.inc('strata_agent_remediations_total', 'Drift remediations', { result: 'error' });
      book.set(layer, {
        state: 'Drifted',
        drift,
        message: `${summary(drift)}; remediation failed: ${errorMessage(error)}`,
      });
      if ((error as AgentError).retriable !== false)
        setTimeout(() => this.markObjects(registry.objectKeys(layer)), 10_000).unref();
      return;
    }
    await this.checkObjects(drifted);
    const after = registry.layerDrift(layer);
    if (after.length === 0) logger.info('drift remediated', { layer, differences: drift.length });
    book.set(
      layer,
      after.length === 0 ? { state: 'Applied' } : { state: 'Drifted', drift: after, message: summary(after) },
    );
  }
}
