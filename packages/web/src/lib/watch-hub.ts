import type { ListResult, Resource, WatchEvent } from '@strata/api';
import type { QueryClient, QueryKey } from '@tanstack/react-query';
import { applyEvents } from './live';

/** Starts a watch that feeds events to `emit` until the signal aborts. */
export type WatchStarter = (
  fromResourceVersion: string,
  emit: (event: WatchEvent) => void,
  signal: AbortSignal,
) => Promise<void>;

interface Entry {
  subscribers: number;
  controller: AbortController;
  closeTimer?: ReturnType<typeof setTimeout>;
}

/**
 * One server-sent-event watch per list (kind + project), shared by every screen that shows it, so the console
 * never holds more than a few connections (browsers allow six per origin). Events are applied to the list in the
 * query cache in batches (at most ~10 renders a second, whatever the event rate). A watch stays open 10 s after
 * its last screen leaves, so moving between screens does not reconnect.
 */
export class WatchHub {
  private readonly entries = new Map<string, Entry>();
  private readonly queryClient: QueryClient;
  constructor(queryClient: QueryClient) {
    this.queryClient = queryClient;
  }

  subscribe(queryKey: QueryKey, start: WatchStarter): () => void {
    const id = JSON.stringify(queryKey);
    let entry = this.entries.get(id);
    if (entry) {
      entry.subscribers++;
      if (entry.closeTimer) clearTimeout(entry.closeTimer);
      entry.closeTimer = undefined;
    } else {
      const list = this.queryClient.getQueryData<ListResult<Resource>>(queryKey);
      const controller = new AbortController();
      entry = { subscribers: 1, controller };
      this.entries.set(id, entry);
      let pending: WatchEvent[] = [];
      let timer: ReturnType<typeof setTimeout> | undefined;
      const flush = () => {
        timer = undefined;
        const events = pending;
        pending = [];
        this.queryClient.setQueryData<ListResult<Resource>>(queryKey, (old) =>
          old ? applyEvents(old, events) : old,
        );
      };
      const emit = (event: WatchEvent) => {
        pending.push(event);
        timer ??= setTimeout(flush, 100);
      };
      start(list?.resourceVersion ?? '0', emit, controller.signal).catch(() => {
        // The watch ended for good (e.g. the key was revoked): the next subscriber starts a new one.
        if (this.entries.get(id) === entry) this.entries.delete(id);
      });
    }
    const current = entry;
    return () => {
      current.subscribers--;
      if (current.subscribers > 0) return;
      current.closeTimer = setTimeout(() => {
        current.controller.abort();
        if (this.entries.get(id) === current) this.entries.delete(id);
      }, 10_000);
    };
  }

  /** Ends every watch (sign-out, project switch). */
  closeAll(): void {
    for (const entry of this.entries.values()) {
      if (entry.closeTimer) clearTimeout(entry.closeTimer);
      entry.controller.abort();
    }
    this.entries.clear();
  }
}
