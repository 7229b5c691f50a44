import type { WatchEvent } from '@strata/api';
import {
  matchesLabelSelector,
  type AccessScope,
  type LabelRequirement,
  type ResourceRepository,
} from '@strata/store';

export interface Subscription {
  scope: AccessScope;
  kind: string;
  /** '' = tenant-scoped objects only; a name = that project only. */
  project: string;
  /** Only objects whose labels match (objects that stop matching are not reported). */
  labelSelector?: LabelRequirement[] | undefined;
  /** Deliver changes after this resourceVersion. */
  since: string;
  onEvents(events: WatchEvent[], resourceVersion: string): void;
  onError(err: unknown): void;
}

export interface ChangeHubOptions {
  store: ResourceRepository;
  /** How often the store is polled while anyone is watching (changes by other replicas show up within this). */
  pollIntervalMs?: number;
}

/**
 * Fans out the store's change feed to watchers. One poll per tenant serves every watcher in it, so a thousand
 * open consoles cost one query per interval, not a thousand. Local writes call notify() for immediate delivery.
 */
export class ChangeHub {
  readonly #store: ResourceRepository;
  readonly #intervalMs: number;
  readonly #subs = new Set<Subscription>();
  #timer: NodeJS.Timeout | undefined;
  #polling = false;
  #again = false;
  #closed = false;

  constructor(options: ChangeHubOptions) {
    this.#store = options.store;
    this.#intervalMs = options.pollIntervalMs ?? 500;
  }

  subscribe(sub: Subscription): () => void {
    this.#subs.add(sub);
    this.#schedule(0);
    return () => {
      this.#subs.delete(sub);
    };
  }

  get size(): number {
    return this.#subs.size;
  }

  notify(): void {
    if (this.#subs.size > 0) this.#schedule(0);
  }

  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#subs.clear();
  }

  #schedule(delayMs: number): void {
    if (this.#closed) return;
    if (this.#polling) {
      this.#again = true;
      return;
    }
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#poll(), delayMs);
    this.#timer.unref();
  }

  async #poll(): Promise<void> {
    this.#polling = true;
    this.#again = false;
    try {
      const byTenant = new Map<string, Subscription[]>();
      for (const s of this.#subs) byTenant.set(s.scope.tenant, [...(byTenant.get(s.scope.tenant) ?? []), s]);
      for (const [tenant, subs] of byTenant) await this.#pollTenant(tenant, subs);
    } finally {
      this.#polling = false;
      if (this.#subs.size > 0) this.#schedule(this.#again ? 0 : this.#intervalMs);
    }
  }

  async #pollTenant(tenant: string, subs: Subscription[]): Promise<void> {
    let since = subs.reduce((min, s) => (BigInt(s.since) < BigInt(min) ? s.since : min), subs[0]!.since);
    for (;;) {
      let page: { events: WatchEvent[]; resourceVersion: string };
      try {
        page = await this.#store.changes(
          { tenant, projects: '*' },
          { sinceResourceVersion: since, limit: 1000 },
        );
      } catch (err) {
        for (const s of subs) {
          if (s.since === since) {
            s.onError(err);
            this.#subs.delete(s);
          }
        }
        return;
      }
      for (const s of subs) {
        const mine = page.events.filter(
          (e) => BigInt(e.object.metadata.resourceVersion) > BigInt(s.since) && matches(s, e),
        );
        if (mine.length > 0 || BigInt(page.resourceVersion) > BigInt(s.since)) {
          s.onEvents(mine, page.resourceVersion);
          s.since = page.resourceVersion;
        }
      }
      if (page.events.length < 1000) return;
      since = page.resourceVersion;
    }
  }
}

function matches(s: Subscription, e: WatchEvent): boolean {
  const meta = e.object.metadata;
  if (e.object.kind !== s.kind) return false;
  const project = meta.project ?? '';
  if (project !== s.project) return false;
  if (s.labelSelector && !matchesLabelSelector(meta.labels ?? {}, s.labelSelector)) return false;
  return project === '' || s.scope.projects === '*' || s.scope.projects.includes(project);
}
