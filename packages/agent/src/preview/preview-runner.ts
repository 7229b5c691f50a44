/**
 * Runs the adoption previews the server asks for, one at a time, and posts each answer (the preview, or why there
 * is none). A preview never touches the engine: it reads the cluster (plus dry runs in full mode) and nothing else.
 */
import { AGENT_PROTOCOL, type AdoptionPreviewAnswer } from '@strata/api';
import { errorMessage } from '../errors.js';
import type { KubeClient } from '../kube/kube-client.js';
import type { Logger } from '../log/logger.js';
import type { InventoryStore } from '../inventory/inventory-store.js';
import type { PreviewRequest } from '../protocol/desired-state.js';
import type { ServerClient } from '../protocol/server-client.js';
import { fitPreview, previewAdoption } from './adoption-preview.js';

export interface PreviewRunnerOptions {
  kube: KubeClient;
  client: ServerClient;
  logger: Logger;
  /** Asked per preview: a read-only agent sends no write, not even a dry run, and has no inventory. */
  readOnly: () => boolean;
  inventory: InventoryStore;
}

/** Requests waiting at most (a server that asks faster than the agent answers gets the newest ones answered). */
const MAX_QUEUED = 4;

export class PreviewRunner {
  private readonly stopController = new AbortController();
  private readonly queue: (PreviewRequest | { id: string; error: string })[] = [];
  private running: Promise<void> | undefined;

  constructor(private readonly options: PreviewRunnerOptions) {}

  /** Queues a request (returns at once). */
  submit(request: PreviewRequest | { id: string; error: string }): void {
    if (this.stopController.signal.aborted) return;
    this.queue.push(request);
    if (this.queue.length > MAX_QUEUED) this.queue.shift();
    this.running ??= this.drain().finally(() => {
      this.running = undefined;
    });
  }

  async stop(): Promise<void> {
    this.stopController.abort();
    this.queue.length = 0;
    await this.running;
  }

  private async drain(): Promise<void> {
    const signal = this.stopController.signal;
    for (let next = this.queue.shift(); next && !signal.aborted; next = this.queue.shift())
      await this.answer(next, signal);
  }

  private async answer(request: PreviewRequest | { id: string; error: string }, signal: AbortSignal) {
    const { kube, client, logger } = this.options;
    const started = Date.now();
    let answer: AdoptionPreviewAnswer;
    if ('error' in request) answer = { protocol: AGENT_PROTOCOL, id: request.id, error: request.error };
    else {
      try {
        const readOnly = this.options.readOnly();
        const inventories = readOnly ? [] : await this.options.inventory.list(signal);
        const preview = await previewAdoption({ kube, dryRun: !readOnly, inventories, signal }, request);
        answer = { protocol: AGENT_PROTOCOL, id: request.id, preview: fitPreview(preview) };
        logger.info('adoption preview computed', {
          id: request.id,
          layers: preview.layers.length,
          noChanges: preview.noChanges,
          ms: Date.now() - started,
        });
      } catch (error) {
        if (signal.aborted) return;
        logger.warn('adoption preview failed', { id: request.id, error: errorMessage(error) });
        answer = { protocol: AGENT_PROTOCOL, id: request.id, error: errorMessage(error) };
      }
    }
    try {
      await client.postAdoptionPreview(answer, signal);
    } catch (error) {
      if (!signal.aborted)
        logger.warn('cannot send the adoption preview', { id: request.id, error: errorMessage(error) });
    }
  }
}
