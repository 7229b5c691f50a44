/**
 * Sends status reports: at once on every change, and as a heartbeat at least every heartbeatMs. While the server is
 * unreachable, reports queue (bounded; consecutive reports that differ only in time collapse into one, and the
 * oldest go first when full) and are sent in order when it returns, so the server sees the transitions it missed
 * (Drifted → Applied) and keeps the newest by observedAt.
 */
import { Backoff, type AgentStatusReport } from '@strata/api';
import { canonicalJson } from '@strata/core';
import { AgentError, errorMessage } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { ServerRejectedError, type ServerClient } from './server-client.js';
import { Waker } from './wake-sleep.js';

export interface StatusReporterOptions {
  client: ServerClient;
  logger: Logger;
  /** Builds a report of the agent's current state (observedAt is filled in here). */
  build: () => Omit<AgentStatusReport, 'observedAt'>;
  onAck: (revision: number) => void;
  onConnection: (connected: boolean, error?: AgentError) => void;
  /**
   * Adds what travels only once, in the next report actually sent (the discovery), at send time: it is never part
   * of a queued report, so it neither defeats the collapsing of unchanged reports nor sits in the queue.
   */
  attach?: (report: AgentStatusReport) => AgentStatusReport;
  /** The server accepted this report (as sent, with what `attach` added). */
  onSent?: (report: AgentStatusReport) => void;
  /**
   * The server refused this report (as sent) as malformed or too large. Return true when what `attach` added was
   * dropped because of it, so the report goes again without it; false drops the report.
   */
  onRefused?: (report: AgentStatusReport) => boolean;
  heartbeatMs?: number;
  maxQueue?: number;
  backoff?: Backoff;
  now?: () => Date;
}

/** 400/413/422: the report itself is wrong (auth, protocol and throttling are about the connection, not it). */
function isMalformedReport(status: number): boolean {
  return status === 400 || status === 413 || status === 422;
}

function sameContent(a: AgentStatusReport, b: AgentStatusReport): boolean {
  return canonicalJson({ ...a, observedAt: '' }) === canonicalJson({ ...b, observedAt: '' });
}

export class StatusReporter {
  private readonly queue: AgentStatusReport[] = [];
  private readonly stopController = new AbortController();
  private readonly waker = new Waker(this.stopController.signal);
  private readonly backoff: Backoff;
  private running: Promise<void> | undefined;
  private lastSentAt = 0;
  private sent = 0;
  private failed = 0;

  private readonly options: StatusReporterOptions;

  constructor(options: StatusReporterOptions) {
    this.options = options;
    this.backoff = options.backoff ?? new Backoff();
  }

  get queueLength(): number {
    return this.queue.length;
  }
  get counts(): { sent: number; failed: number } {
    return { sent: this.sent, failed: this.failed };
  }

  start(): void {
    this.running ??= this.loop();
  }

  async stop(): Promise<void> {
    this.stopController.abort();
    await this.running;
  }

  /** The agent's state changed: snapshot it now and send it as soon as possible. */
  changed(): void {
    this.enqueue();
    // While backing off from failures, the queued report waits for the next attempt (no retry storm on churn).
    if (this.backoff.failures === 0) this.waker.wake();
  }

  private enqueue(): void {
    const report: AgentStatusReport = {
      ...this.options.build(),
      observedAt: (this.options.now ?? (() => new Date()))().toISOString(),
    };
    const last = this.queue[this.queue.length - 1];
    if (last && sameContent(last, report)) this.queue[this.queue.length - 1] = report;
    else this.queue.push(report);
    const max = this.options.maxQueue ?? 100;
    if (this.queue.length > max) this.queue.splice(0, this.queue.length - max);
  }

  private async loop(): Promise<void> {
    const signal = this.stopController.signal;
    const heartbeatMs = this.options.heartbeatMs ?? 20_000;
    while (!signal.aborted) {
      if (this.queue.length === 0 && Date.now() - this.lastSentAt >= heartbeatMs) this.enqueue();
      const next = this.queue[0];
      if (!next) {
        await this.waker.sleep(Math.max(0, heartbeatMs - (Date.now() - this.lastSentAt)));
        continue;
      }
      const body = this.options.attach?.(next) ?? next;
      try {
        const ack = await this.options.client.postStatus(body, signal);
        // Only now: a report that failed stays first in line.
        if (this.queue[0] === next) this.queue.shift();
        this.lastSentAt = Date.now();
        this.sent++;
        this.backoff.reset();
        this.options.onSent?.(body);
        this.options.onConnection(true);
        this.options.onAck(ack.revision);
      } catch (error) {
        if (signal.aborted) break;
        this.failed++;
        const e =
          error instanceof AgentError ? error : new AgentError('ServerUnreachable', errorMessage(error));
        if (error instanceof ServerRejectedError && isMalformedReport(error.status)) {
          if (body !== next && this.options.onRefused?.(body)) continue;
          // The server will never take this report; later ones may differ. Dropping it keeps the queue moving.
          this.options.logger.error('status report refused', {
            code: error.serverCode,
            error: error.message,
          });
          this.queue.shift();
          continue;
        }
        this.options.onConnection(false, e);
        const delayMs = this.backoff.next();
        this.options.logger.warn('status report failed', {
          code: e.code,
          error: e.message,
          queued: this.queue.length,
          retryInMs: delayMs,
        });
        await this.waker.sleep(delayMs);
      }
    }
  }
}
