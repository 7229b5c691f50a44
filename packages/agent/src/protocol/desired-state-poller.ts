/**
 * The long-poll loop: one outstanding `GET /v1/agent/desired-state?after=R` at a time, resuming from the newest
 * revision the agent has (persisted in the cluster, so a restarted agent does not pull what it already has) and
 * naming the store epoch it counts in, so a server restored from a backup hands over its own revision at once.
 * Errors back off with jitter; a 204 just asks again. An idle agent costs the server one parked request.
 */
import { Backoff } from '@strata/api';
import { isPlainObject, type JsonObject } from '@strata/core';
import { AgentError, errorMessage } from '../errors.js';
import type { Logger } from '../log/logger.js';
import {
  readDesiredState,
  readServerRequest,
  supersedes,
  type AgentPosition,
  type DesiredState,
  type ServerRequest,
} from './desired-state.js';
import type { ServerClient } from './server-client.js';
import { Waker } from './wake-sleep.js';

export interface DesiredStatePollerOptions {
  client: ServerClient;
  logger: Logger;
  /** The revision the agent has now (0: none) and the store epoch it counts in. */
  position: () => AgentPosition;
  /** Called with the raw message (persisted as is) and what the agent read from it. */
  onDesiredState: (raw: unknown, state: DesiredState) => Promise<void>;
  /** A request of the server (it comes with the current revision, which is not new then). */
  onRequest?: (request: ServerRequest) => void;
  onConnection: (connected: boolean, error?: AgentError) => void;
  waitSeconds?: number;
  backoff?: Backoff;
}

export class DesiredStatePoller {
  private readonly stopController = new AbortController();
  private readonly waker = new Waker(this.stopController.signal);
  private readonly backoff: Backoff;
  private running: Promise<void> | undefined;

  private readonly options: DesiredStatePollerOptions;

  constructor(options: DesiredStatePollerOptions) {
    this.options = options;
    this.backoff = options.backoff ?? new Backoff();
  }

  start(): void {
    this.running ??= this.loop();
  }

  /** Cuts a backoff wait short (the server told us a newer revision exists). */
  wake(): void {
    this.waker.wake();
  }

  async stop(): Promise<void> {
    this.stopController.abort();
    await this.running;
  }

  private async loop(): Promise<void> {
    const { client, logger } = this.options;
    const signal = this.stopController.signal;
    while (!signal.aborted) {
      try {
        const raw = await client.desiredState(
          this.options.position(),
          this.options.waitSeconds ?? 30,
          signal,
        );
        this.options.onConnection(true);
        this.backoff.reset();
        if (raw === undefined) continue;
        const request = readServerRequest(raw);
        if (request) this.options.onRequest?.(request);
        // The desired state is persisted as received: without the request, which is not part of it.
        const desired = isPlainObject(raw) && 'request' in raw ? withoutRequest(raw) : raw;
        const state = readDesiredState(desired);
        if (supersedes(state, this.options.position())) await this.options.onDesiredState(desired, state);
      } catch (error) {
        if (signal.aborted) break;
        const e =
          error instanceof AgentError ? error : new AgentError('ServerUnreachable', errorMessage(error));
        if (e.code !== 'InvalidMessage') this.options.onConnection(false, e);
        const delayMs = this.backoff.next();
        logger.warn('desired state poll failed', { code: e.code, error: e.message, retryInMs: delayMs });
        await this.waker.sleep(delayMs);
      }
    }
  }
}

function withoutRequest(raw: JsonObject): JsonObject {
  const { request: _request, ...rest } = raw;
  return rest;
}
