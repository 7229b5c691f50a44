import type { ObjectKey } from '@strata/store';
import { KeyedBackoff, type BackoffOptions } from './backoff.js';
import { realClock, type Clock } from './clock.js';
import { keyId, type Controller, type ReconcileContext } from './controller.js';
import type { KeyLeases } from './key-leases.js';
import { noopMetrics, type ControllerMetrics, type ReconcileOutcome } from './metrics.js';
import { WorkQueue, type WorkItem } from './work-queue.js';

export interface ControllerRunnerOptions<K> {
  controller: Controller<K>;
  /** Parallel reconciles (never two for one key). Default 2. */
  workers?: number;
  clock?: Clock;
  backoff?: BackoffOptions;
  /** Identity of a key (default: keyId, sorted JSON). */
  id?: (key: K) => string;
  /** Cross-replica exclusion; omit when one process owns the database (SQLite). */
  leases?: KeyLeases;
  /** Lease time-to-live; renewed every ttl/3 while a reconcile runs. Default 30 s. */
  leaseTtlMs?: number;
  /** When another replica holds a key's lease, look again after this long (plus jitter). Default 1 s. */
  leaseRetryMs?: number;
  metrics?: ControllerMetrics;
  /** Told about every failed reconcile (the server logs it; users see problems through status). */
  onError?: (event: {
    controller: string;
    key: K;
    error: unknown;
    attempt: number;
    retryInMs: number;
  }) => void;
  random?: () => number;
}

/** Runs a controller: workers take keys from the queue, reconcile, and requeue per the result or backoff. */
export class ControllerRunner<K = ObjectKey> {
  readonly queue: WorkQueue<K>;
  readonly #options: ControllerRunnerOptions<K>;
  readonly #clock: Clock;
  readonly #backoff: KeyedBackoff;
  readonly #metrics: ControllerMetrics;
  readonly #random: () => number;
  readonly #stop = new AbortController();
  #workers: Promise<void>[] = [];

  constructor(options: ControllerRunnerOptions<K>) {
    this.#options = options;
    this.#clock = options.clock ?? realClock;
    this.#random = options.random ?? Math.random;
    this.#backoff = new KeyedBackoff({ random: this.#random, ...options.backoff });
    this.#metrics = options.metrics ?? noopMetrics;
    const name = options.controller.name;
    this.queue = new WorkQueue<K>({
      id: options.id ?? keyId,
      clock: this.#clock,
      onDepth: (depth) => this.#metrics.queueDepth(name, depth),
    });
  }

  get name(): string {
    return this.#options.controller.name;
  }

  enqueue(key: K): void {
    this.queue.add(key);
  }

  enqueueAfter(key: K, delayMs: number): void {
    this.queue.addAfter(key, delayMs);
  }

  start(): void {
    if (this.#workers.length > 0) return;
    const count = Math.max(1, this.#options.workers ?? 2);
    this.#workers = Array.from({ length: count }, () => this.#work());
  }

  /** Stops taking work, aborts running reconciles' signals, and waits for them to return. */
  async stop(): Promise<void> {
    this.#stop.abort();
    this.queue.shutDown();
    await Promise.all(this.#workers);
  }

  async #work(): Promise<void> {
    for (;;) {
      const item = await this.queue.get();
      if (!item) return;
      try {
        await this.#process(item);
      } finally {
        this.queue.done(item.id);
      }
    }
  }

  async #process(item: WorkItem<K>): Promise<void> {
    const { controller, leases } = this.#options;
    const ttlMs = this.#options.leaseTtlMs ?? 30_000;
    const leaseName = `${controller.name}/${item.id}`;
    const started = this.#clock.now();
    let outcome: ReconcileOutcome = 'success';
    let held = false;
    let stopRenewing = (): void => undefined;
    try {
      if (leases) {
        held = await leases.tryAcquire(leaseName, ttlMs);
        if (!held) {
          outcome = 'lease-held';
          const retry = this.#options.leaseRetryMs ?? 1000;
          this.queue.addAfter(item.key, Math.round(retry * (1 + this.#random())));
          return;
        }
      }
      const signal = new AbortController();
      const onStop = () => signal.abort(this.#stop.signal.reason);
      this.#stop.signal.addEventListener('abort', onStop, { once: true });
      const cancelRenew = leases ? this.#renewEvery(leases, leaseName, ttlMs, signal) : () => undefined;
      stopRenewing = () => {
        cancelRenew();
        this.#stop.signal.removeEventListener('abort', onStop);
      };
      const ctx: ReconcileContext = {
        controller: controller.name,
        signal: signal.signal,
        clock: this.#clock,
        attempt: this.#backoff.failures(item.id) + 1,
      };
      const result = await controller.reconcile(ctx, item.key);
      this.#backoff.reset(item.id);
      if (result.kind === 'requeueAfter') {
        outcome = 'requeue';
        this.queue.addAfter(item.key, result.delayMs);
      }
    } catch (error) {
      outcome = 'error';
      const attempt = this.#backoff.failures(item.id) + 1;
      const retryInMs = this.#backoff.failure(item.id);
      this.queue.addAfter(item.key, retryInMs);
      this.#options.onError?.({ controller: controller.name, key: item.key, error, attempt, retryInMs });
    } finally {
      stopRenewing();
      if (held && leases) await leases.release(leaseName).catch(() => undefined); // expiry frees it anyway
      this.#metrics.reconcileDuration(controller.name, (this.#clock.now() - started) / 1000, outcome);
    }
  }

  /** Renews the lease every ttl/3; aborts the reconcile's signal when the lease is lost. */
  #renewEvery(leases: KeyLeases, name: string, ttlMs: number, signal: AbortController): () => void {
    let cancel = (): void => undefined;
    let stopped = false;
    const schedule = () => {
      cancel = this.#clock.setTimer(
        () => {
          leases.renew(name, ttlMs).then(
            (ok) => {
              if (!ok) signal.abort(new Error(`lease ${name} was lost`));
              else if (!stopped) schedule();
            },
            (err: unknown) => signal.abort(err),
          );
        },
        Math.max(1, Math.floor(ttlMs / 3)),
      );
    };
    schedule();
    return () => {
      stopped = true;
      cancel();
    };
  }
}
