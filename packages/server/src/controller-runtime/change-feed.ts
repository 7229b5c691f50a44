import { findKind, isStrataError, type Resource, type WatchEvent } from '@strata/api';
import type { ObjectKey, SystemResourceReader } from '@strata/store';
import { realClock, type Clock } from './clock.js';

export interface ChangeFeedOptions {
  reader: SystemResourceReader;
  /** Kinds whose changes feed the queue. */
  kinds: readonly string[];
  /** Receives every key that changed (and every key at start and on each resync). */
  onKey: (key: ObjectKey) => void;
  clock?: Clock;
  /** How often to poll the changes table (default 1 s). */
  pollIntervalMs?: number;
  /** How often to enqueue every object again (default 10 min), to heal anything missed. */
  resyncIntervalMs?: number;
  /**
   * Which changes wake the controller (default: all of its kinds). For example, skip status-only writes:
   * `(e) => e.type !== 'MODIFIED' || e.object.status.observedGeneration !== e.object.metadata.generation`.
   */
  filter?: (event: WatchEvent) => boolean;
  /** Key of a changed object (default: its metadata; versioned kinds use spec.version). */
  keyOf?: (object: Resource) => ObjectKey;
  onError?: (err: unknown) => void;
}

export function objectKeyOf(object: Resource): ObjectKey {
  const key: ObjectKey = {
    kind: object.kind,
    tenant: object.metadata.tenant,
    project: object.metadata.project ?? '',
    name: object.metadata.name,
  };
  const version = object.spec.version;
  if (findKind(object.kind)?.versioned && typeof version === 'string') key.version = version;
  return key;
}

/**
 * Feeds a controller from the store: a full scan at start, then the changes after that resourceVersion
 * (polled), plus a periodic full resync. If the change window was pruned past our position (STRATA_GONE),
 * it scans again. Delivery is at-least-once; the queue de-duplicates.
 */
export class ChangeFeed {
  readonly #options: ChangeFeedOptions;
  readonly #clock: Clock;
  readonly #kinds: ReadonlySet<string>;
  #since: string | undefined;
  #cancelPoll = (): void => undefined;
  #cancelResync = (): void => undefined;
  #running = false;
  #polling: Promise<void> = Promise.resolve();

  constructor(options: ChangeFeedOptions) {
    this.#options = options;
    this.#clock = options.clock ?? realClock;
    this.#kinds = new Set(options.kinds);
  }

  /** The resourceVersion the feed has delivered up to. */
  get resourceVersion(): string | undefined {
    return this.#since;
  }

  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    await this.resync();
    this.#schedulePoll();
    this.#scheduleResync();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#cancelPoll();
    this.#cancelResync();
    await this.#polling;
  }

  /** Enqueues every object of the kinds and moves the watch position to "now". */
  async resync(): Promise<void> {
    const since = await this.#options.reader.currentResourceVersion();
    for (const kind of this.#kinds) {
      let after: string | undefined;
      do {
        const page = await this.#options.reader.allKeys({ kind, after });
        for (const key of page.keys) this.#options.onKey(key);
        after = page.next;
      } while (after !== undefined);
    }
    if (this.#since === undefined || Number(since) > Number(this.#since)) this.#since = since;
  }

  /** Reads and delivers every change after the current position (one pass; called by the poll timer). */
  async poll(): Promise<void> {
    if (this.#since === undefined) return this.resync();
    const keyOf = this.#options.keyOf ?? objectKeyOf;
    for (;;) {
      let page: Awaited<ReturnType<SystemResourceReader['allChanges']>>;
      try {
        page = await this.#options.reader.allChanges({ sinceResourceVersion: this.#since });
      } catch (err) {
        if (isStrataError(err) && err.code === 'STRATA_GONE') return this.resync();
        throw err;
      }
      const filter = this.#options.filter ?? (() => true);
      for (const event of page.events) {
        if (this.#kinds.has(event.object.kind) && filter(event)) this.#options.onKey(keyOf(event.object));
      }
      const moved = page.resourceVersion !== this.#since;
      this.#since = page.resourceVersion;
      if (page.events.length === 0 || !moved) return;
    }
  }

  #schedulePoll(): void {
    if (!this.#running) return;
    this.#cancelPoll = this.#clock.setTimer(() => {
      this.#polling = this.poll()
        .catch((err: unknown) => this.#options.onError?.(err))
        .finally(() => this.#schedulePoll());
    }, this.#options.pollIntervalMs ?? 1000);
  }

  #scheduleResync(): void {
    if (!this.#running) return;
    this.#cancelResync = this.#clock.setTimer(
      () => {
        this.resync()
          .catch((err: unknown) => this.#options.onError?.(err))
          .finally(() => this.#scheduleResync());
      },
      this.#options.resyncIntervalMs ?? 10 * 60_000,
    );
  }
}
