/**
 * Facts about the cluster for status reports (Kubernetes version, nodes total/ready), refreshed in the background
 * so building a report never waits on the API server.
 */
import { isPlainObject } from '@strata/core';
import { errorMessage, sleep } from '../errors.js';
import type { KubeClient } from '../kube/kube-client.js';
import type { Logger } from '../log/logger.js';

export interface ClusterFactsSnapshot {
  kubernetesVersion?: string;
  nodes?: { total: number; ready: number };
  /** False when the last refresh could not reach the API server. */
  reachable: boolean;
}

export class ClusterFacts {
  private snapshot: ClusterFactsSnapshot = { reachable: false };
  private readonly controller = new AbortController();
  private running: Promise<void> | undefined;

  private readonly kube: KubeClient;
  private readonly logger: Logger;
  private readonly onChange: () => void;
  private readonly intervalMs: number;

  constructor(kube: KubeClient, logger: Logger, onChange: () => void, intervalMs = 15_000) {
    this.kube = kube;
    this.logger = logger;
    this.onChange = onChange;
    this.intervalMs = intervalMs;
  }

  get current(): ClusterFactsSnapshot {
    return this.snapshot;
  }

  async refresh(): Promise<void> {
    const signal = this.controller.signal;
    let next: ClusterFactsSnapshot;
    try {
      const [version, nodes] = await Promise.all([
        this.kube.serverVersion(signal),
        this.kube.list('v1', 'Node', { signal }),
      ]);
      const ready = nodes.items.filter((n) => {
        const status = isPlainObject(n.status) ? n.status : {};
        const conditions = Array.isArray(status.conditions) ? status.conditions : [];
        return conditions.some((c) => isPlainObject(c) && c.type === 'Ready' && c.status === 'True');
      }).length;
      next = {
        ...(version ? { kubernetesVersion: version } : {}),
        nodes: { total: nodes.items.length, ready },
        reachable: true,
      };
    } catch (error) {
      if (signal.aborted) return;
      this.logger.warn('cannot read cluster facts', { error: errorMessage(error) });
      next = { ...this.snapshot, reachable: false };
    }
    if (JSON.stringify(next) !== JSON.stringify(this.snapshot)) {
      this.snapshot = next;
      this.onChange();
    }
  }

  start(): void {
    this.running ??= (async () => {
      while (!this.controller.signal.aborted) {
        await this.refresh();
        await sleep(this.intervalMs, this.controller.signal).catch(() => undefined);
      }
    })();
  }

  async stop(): Promise<void> {
    this.controller.abort();
    await this.running;
  }
}
