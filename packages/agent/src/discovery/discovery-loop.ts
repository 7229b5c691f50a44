/**
 * Runs discovery when the agent starts and then every `intervalMs` (a failed run is retried with backoff, from 30 s,
 * never later than the interval). Each result is handed to `onResult`, which puts it in the next status report.
 */
import { Backoff, type ClusterDiscovery } from '@strata/api';
import { errorMessage } from '../errors.js';
import type { KubeClient } from '../kube/kube-client.js';
import type { Logger } from '../log/logger.js';
import type { Metrics } from '../ops/metrics.js';
import { Waker } from '../protocol/wake-sleep.js';
import { runDiscovery } from './discover.js';

export interface DiscoveryLoopOptions {
  kube: KubeClient;
  logger: Logger;
  metrics: Metrics;
  /** Time between runs. */
  intervalMs: number;
  agentNamespace: string;
  onResult: (discovery: ClusterDiscovery) => void;
  retryBaseMs?: number;
}

export class DiscoveryLoop {
  private readonly controller = new AbortController();
  private readonly waker = new Waker(this.controller.signal);
  private readonly backoff: Backoff;
  private running: Promise<void> | undefined;
  private last: ClusterDiscovery | undefined;

  private readonly options: DiscoveryLoopOptions;

  constructor(options: DiscoveryLoopOptions) {
    this.options = options;
    this.backoff = new Backoff({
      baseMs: options.retryBaseMs ?? 30_000,
      maxMs: Math.max(options.retryBaseMs ?? 30_000, options.intervalMs),
    });
  }

  /** The newest successful discovery. */
  get latest(): ClusterDiscovery | undefined {
    return this.last;
  }

  start(): void {
    this.running ??= this.loop();
  }

  /** Runs discovery now instead of at the next interval. */
  refresh(): void {
    this.waker.wake();
  }

  async stop(): Promise<void> {
    this.controller.abort();
    await this.running;
  }

  /** One discovery; undefined when it failed (logged). */
  async runOnce(): Promise<ClusterDiscovery | undefined> {
    const { logger, metrics } = this.options;
    const signal = this.controller.signal;
    try {
      const { discovery, warnings } = await runDiscovery(this.options.kube, {
        agentNamespace: this.options.agentNamespace,
        signal,
      });
      for (const warning of warnings) logger.warn('discovery incomplete', { error: warning });
      metrics.inc('strata_agent_discoveries_total', 'Cluster discovery runs', { result: 'ok' });
      metrics.set(
        'strata_agent_discovery_seconds',
        'Duration of the last discovery',
        discovery.durationMs / 1000,
      );
      logger.info('cluster discovered', {
        ms: discovery.durationMs,
        objects: discovery.counts.objects,
        nodes: discovery.counts.nodes,
        helmReleases: discovery.helmReleases.length,
        workloads: discovery.workloads.length,
        distribution: discovery.distribution.name,
      });
      this.last = discovery;
      this.options.onResult(discovery);
      return discovery;
    } catch (error) {
      if (signal.aborted) return undefined;
      metrics.inc('strata_agent_discoveries_total', 'Cluster discovery runs', { result: 'error' });
      logger.warn('cluster discovery failed', { error: errorMessage(error) });
      return undefined;
    }
  }

  private async loop(): Promise<void> {
    const signal = this.controller.signal;
    while (!signal.aborted) {
      const ok = (await this.runOnce()) !== undefined;
      if (ok) this.backoff.reset();
      await this.waker.sleep(
        ok ? this.options.intervalMs : Math.min(this.options.intervalMs, this.backoff.next()),
      );
    }
  }
}
