import type { Clock } from './clock.js';

export interface WorkQueueOptions<K> {
  /** A stable identity for a key; equal ids are one item. */
  id: (key: K) => string;
  clock: Clock;
  /** Called whenever the number of ready items changes. */
  onDepth?: (depth: number) => void;
}

export interface WorkItem<K> {
  id: string;
  key: K;
}

/**
 * A keyed work queue in the style of client-go: an id is queued at most once, an id being processed is
 * never handed out again until done(id) (one worker per key), and adding it meanwhile re-queues it after.
 * Delayed adds keep only the earliest pending time per id.
 */
export class WorkQueue<K> {
  readonly #options: WorkQueueOptions<K>;
  readonly #ready: string[] = [];
  readonly #keys = new Map<string, K>();
  /** Ids waiting in #ready, or marked for another pass while processing. */
  readonly #dirty = new Set<string>();
  readonly #processing = new Set<string>();
  readonly #delayed = new Map<string, { at: number; cancel: () => void }>();
  readonly #waiters: ((item: WorkItem<K> | undefined) => void)[] = [];
  #shutDown = false;

  constructor(options: WorkQueueOptions<K>) {
    this.#options = options;
  }

  add(key: K): void {
    if (this.#shutDown) return;
    const id = this.#options.id(key);
    this.#keys.set(id, key);
    this.#cancelDelayed(id);
    if (this.#dirty.has(id)) return;
    this.#dirty.add(id);
    if (!this.#processing.has(id)) this.#push(id);
  }

  /** Adds the key after `delayMs`; an earlier pending delay for the same id wins. */
  addAfter(key: K, delayMs: number): void {
    if (this.#shutDown) return;
    if (delayMs <= 0) return this.add(key);
    const id = this.#options.id(key);
    const at = this.#options.clock.now() + delayMs;
    const existing = this.#delayed.get(id);
    if (existing && existing.at <= at) return;
    existing?.cancel();
    const cancel = this.#options.clock.setTimer(() => {
      this.#delayed.delete(id);
      this.add(key);
    }, delayMs);
    this.#delayed.set(id, { at, cancel });
  }

  /** The next item, waiting if none is ready; undefined once the queue is shut down. */
  get(): Promise<WorkItem<K> | undefined> {
    const item = this.#take();
    if (item || this.#shutDown) return Promise.resolve(item);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Marks an item finished; if it was added again meanwhile it becomes ready now. */
  done(id: string): void {
    this.#processing.delete(id);
    if (this.#dirty.has(id)) this.#push(id);
    else if (!this.#delayed.has(id)) this.#keys.delete(id);
  }

  /** Ready items (not counting ones in progress or delayed). */
  get depth(): number {
    return this.#ready.length;
  }

  get delayedCount(): number {
    return this.#delayed.size;
  }

  isProcessing(id: string): boolean {
    return this.#processing.has(id);
  }

  shutDown(): void {
    this.#shutDown = true;
    for (const d of this.#delayed.values()) d.cancel();
    this.#delayed.clear();
    for (const waiter of this.#waiters.splice(0)) waiter(undefined);
  }

  #push(id: string): void {
    this.#ready.push(id);
    const waiter = this.#waiters.shift();
    if (waiter) waiter(this.#take());
    this.#options.onDepth?.(this.#ready.length);
  }

  #take(): WorkItem<K> | undefined {
    const id = this.#ready.shift();
    if (id === undefined) return undefined;
    this.#dirty.delete(id);
    this.#processing.add(id);
    this.#options.onDepth?.(this.#ready.length);
    const key = this.#keys.get(id);
    if (key === undefined) throw new Error(`work queue lost the key of ${id}`);
    return { id, key };
  }

  #cancelDelayed(id: string): void {
    const delayed = this.#delayed.get(id);
    if (delayed) {
      delayed.cancel();
      this.#delayed.delete(id);
    }
  }
}
