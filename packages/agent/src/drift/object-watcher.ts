/**
 * One watch per kind the agent manages (all namespaces), reporting which objects changed. Each watch starts from a
 * fresh list's resourceVersion and says "resync" then, because events may have been missed while it was not
 * watching (start, 410 Gone, a broken connection); the caller re-checks every object of that kind.
 */
import { Backoff } from '@strata/api';
import { isPlainObject } from '@strata/core';
import { AbortedError, errorMessage, sleep } from '../errors.js';
import type { KubeClient } from '../kube/kube-client.js';
import { kindKey, refKey, refOf } from '../kube/object-ref.js';
import type { Logger } from '../log/logger.js';

export interface ObjectWatcherOptions {
  kube: KubeClient;
  logger: Logger;
  /** An object of a watched kind changed or was deleted (refKey). */
  onChange: (objectKey: string) => void;
  /** A watch (re)started: every object of this kind (kindKey) must be re-checked. */
  onResync: (kindKey: string) => void;
}

interface Running {
  controller: AbortController;
  done: Promise<void>;
}

export class ObjectWatcher {
  private readonly watches = new Map<string, Running>();

  private readonly options: ObjectWatcherOptions;

  constructor(options: ObjectWatcherOptions) {
    this.options = options;
  }

  get watchedKinds(): string[] {
    return [...this.watches.keys()];
  }

  /** Starts watches for new kinds and stops those no longer needed. */
  setKinds(kinds: readonly { apiVersion: string; kind: string }[]): void {
    const wanted = new Map(kinds.map((k) => [kindKey(k), k]));
    for (const [key, running] of this.watches)
      if (!wanted.has(key)) {
        running.controller.abort();
        this.watches.delete(key);
      }
    for (const [key, k] of wanted) {
      if (this.watches.has(key)) continue;
      const controller = new AbortController();
      this.watches.set(key, { controller, done: this.run(k.apiVersion, k.kind, controller.signal) });
    }
  }

  async stop(): Promise<void> {
    const all = [...this.watches.values()];
    this.watches.clear();
    for (const w of all) w.controller.abort();
    await Promise.all(all.map((w) => w.done));
  }

  private async run(apiVersion: string, kind: string, signal: AbortSignal): Promise<void> {
    const { kube, logger } = this.options;
    const key = kindKey({ apiVersion, kind });
    const backoff = new Backoff({ baseMs: 500, maxMs: 30_000 });
    while (!signal.aborted) {
      try {
        const { resourceVersion } = await kube.list(apiVersion, kind, { limit: 1, signal });
        this.options.onResync(key);
        let rv = resourceVersion;
        let gone = false;
        while (!signal.aborted && !gone) {
          await kube.watch(
            apiVersion,
            kind,
            rv,
            (event) => {
              const meta = isPlainObject(event.object.metadata) ? event.object.metadata : {};
              if (typeof meta.resourceVersion === 'string') rv = meta.resourceVersion;
              if (event.type === 'ERROR') {
                gone = true; // 410 Gone (or another error): list again
                return;
              }
              if (event.type === 'BOOKMARK') return;
              const ref = refOf({ ...event.object, apiVersion, kind });
              if (ref) this.options.onChange(refKey(ref));
            },
            signal,
          );
          backoff.reset();
        }
      } catch (error) {
        if (signal.aborted || error instanceof AbortedError) return;
        const delayMs = backoff.next();
        logger.debug('watch failed', { kind: key, error: errorMessage(error), retryInMs: delayMs });
        try {
          await sleep(delayMs, signal);
        } catch {
          return;
        }
      }
    }
  }
}
