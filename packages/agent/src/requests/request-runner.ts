/**
 * Runs what the server asks for (DesiredStateMessage.request), one at a time, and posts each answer: an adoption
 * preview, the objects read, or why there is none. Requests never touch the engine: they read the cluster (plus dry
 * runs for previews in full mode) and nothing else.
 */
import { AGENT_PROTOCOL, type AgentAnswer } from '@strata/api';
import { errorMessage } from '../errors.js';
import type { KubeClient } from '../kube/kube-client.js';
import type { Logger } from '../log/logger.js';
import type { InventoryStore } from '../inventory/inventory-store.js';
import type { ServerRequest } from '../protocol/desired-state.js';
import type { ServerClient } from '../protocol/server-client.js';
import { fitPreview, previewAdoption } from './adoption-preview.js';
import { readObjects } from './read-objects.js';

export interface RequestRunnerOptions {
  kube: KubeClient;
  client: ServerClient;
  logger: Logger;
  /** Asked per preview: a read-only agent sends no write, not even a dry run, and has no inventory. */
  readOnly: () => boolean;
  inventory: InventoryStore;
}

/** Requests waiting at most (a server that asks faster than the agent answers gets the newest ones answered). */
const MAX_QUEUED = 4;

type Answer = Omit<AgentAnswer, 'protocol' | 'id'>;

export class RequestRunner {
  private readonly stopController = new AbortController();
  private readonly queue: ServerRequest[] = [];
  private running: Promise<void> | undefined;

  private readonly options: RequestRunnerOptions;

  constructor(options: RequestRunnerOptions) {
    this.options = options;
  }

  /** Queues a request (returns at once). */
  submit(request: ServerRequest): void {
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

  private async compute(request: ServerRequest, signal: AbortSignal): Promise<Answer> {
    const { kube, logger } = this.options;
    const started = Date.now();
    switch (request.type) {
      case 'invalid':
        return { error: request.error };
      case 'adoption-preview': {
        const readOnly = this.options.readOnly();
        const inventories = readOnly ? [] : await this.options.inventory.list(signal);
        const preview = await previewAdoption({ kube, dryRun: !readOnly, inventories, signal }, request);
        logger.info('adoption preview computed', {
          id: request.id,
          layers: preview.layers.length,
          noChanges: preview.noChanges,
          ms: Date.now() - started,
        });
        return { preview: fitPreview(preview) };
      }
      case 'read-objects': {
        const read = await readObjects(kube, request.objects, signal);
        logger.info('objects read for the server', {
          id: request.id,
          read: read.objects.length,
          missing: read.missing.length,
          ms: Date.now() - started,
        });
        return { read };
      }
    }
  }

  private async answer(request: ServerRequest, signal: AbortSignal) {
    const { client, logger } = this.options;
    let answer: Answer;
    try {
      answer = await this.compute(request, signal);
    } catch (error) {
      if (signal.aborted) return;
      logger.warn('cannot answer the server', {
        id: request.id,
        type: request.type,
        error: errorMessage(error),
      });
      answer = { error: errorMessage(error) };
    }
    try {
      await client.postAnswer({ protocol: AGENT_PROTOCOL, id: request.id, ...answer }, signal);
    } catch (error) {
      if (!signal.aborted)
        logger.warn('cannot send the answer', {
          id: request.id,
          type: request.type,
          error: errorMessage(error),
        });
    }
  }
}
