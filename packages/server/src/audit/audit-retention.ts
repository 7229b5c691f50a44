import { listAll, type ResourceRepository } from '@strata/store';
import type { TenantPolicy } from '../auth/tenant-policy.js';

/** The store's audit pruning (KyselyResourceRepository.pruneAudit): removes and records in one transaction. */
export interface AuditPruning {
  pruneAudit(tenant: string, before: Date, actor: { name: string }): Promise<number>;
}

export interface AuditRetentionOptions {
  store: ResourceRepository & AuditPruning;
  /** How often every tenant's policy is applied (default hourly). */
  intervalMs?: number;
  now?: () => number;
  onError?: (err: unknown) => void;
}

const ACTOR = { name: 'system:audit-retention' };

/**
 * Applies each tenant's `policy.auditRetentionDays` in the background: entries older than that are removed, and the
 * removal is itself an audit entry (verb `prune`). Re-entrant: every pass reads the policies again and removes only
 * what is old by then, so several replicas doing it at once remove each entry once.
 */
export class AuditRetention {
  readonly #o: AuditRetentionOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;

  constructor(options: AuditRetentionOptions) {
    this.#o = options;
  }

  /** One pass over every tenant with a retention policy; what each lost. */
  async runOnce(): Promise<{ tenant: string; removed: number }[]> {
    const now = this.#o.now?.() ?? Date.now();
    const tenants = await listAll(this.#o.store, { tenant: '', projects: '*' }, { kind: 'Tenant' });
    const out: { tenant: string; removed: number }[] = [];
    for (const t of tenants) {
      const days = (t.spec.policy as TenantPolicy | undefined)?.auditRetentionDays;
      if (days === undefined || t.metadata.deletedAt) continue;
      const removed = await this.#o.store.pruneAudit(
        t.metadata.name,
        new Date(now - days * 86_400_000),
        ACTOR,
      );
      out.push({ tenant: t.metadata.name, removed });
    }
    return out;
  }

  start(): void {
    const tick = () => {
      this.#running = this.runOnce().catch((err: unknown) => this.#o.onError?.(err));
    };
    this.#timer = setInterval(tick, this.#o.intervalMs ?? 3600_000);
    this.#timer.unref();
    tick();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.#running;
  }
}
