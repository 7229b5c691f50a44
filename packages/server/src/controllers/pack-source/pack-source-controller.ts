import type { Condition, Resource } from '@strata/api';
import type { EgressPolicy } from '@strata/core';
import type { ObjectKey, ResourceRepository } from '@strata/store';
import type { Controller, ReconcileContext } from '../../controller-runtime/index.js';
import { Result } from '../../controller-runtime/index.js';
import { readHelmIndex, type ReadHelmIndexOptions } from '../../packs/helm-index.js';
import { revealSecret, type SecretCipher } from '../../resources/secret-fields.js';
import { recordEvent } from '../events.js';
import { parseInterval } from './interval.js';

export interface PackSourceControllerOptions {
  store: ResourceRepository;
  cipher: SecretCipher;
  /** Called after the charts of a tenant's source changed (the pack catalog cache drops that tenant). */
  onChartsChanged?: (tenant: string) => void;
  defaultIntervalMs?: number;
  timeoutMs?: number;
  /** Which addresses index reads may connect to (default: public addresses only). */
  egress?: EgressPolicy;
  /** Injected in tests; default: the system resolver. */
  resolver?: ReadHelmIndexOptions['resolver'];
}

/**
 * Keeps each PackSource's chart list fresh: reads the Helm repository index every `spec.interval`, writes the charts
 * and a Ready condition to status, and records an Event when Ready changes. An unreachable or malformed index is a
 * condition (Ready=False with the reason), never a crash; the last good chart list stays usable.
 */
export class PackSourceController implements Controller {
  readonly name = 'pack-source';
  readonly #o: PackSourceControllerOptions;

  constructor(options: PackSourceControllerOptions) {
    this.#o = options;
  }

  async reconcile(ctx: ReconcileContext, key: ObjectKey): Promise<Result> {
    const scope = { tenant: key.tenant, projects: '*' as const };
    const source = await this.#o.store.get(scope, key);
    if (!source || source.metadata.deletedAt) return Result.done();
    const interval = parseInterval(
      source.spec.interval as string | undefined,
      this.#o.defaultIntervalMs ?? 600_000,
    );
    const now = ctx.clock.now();
    const last =
      typeof source.status.lastFetchedAt === 'string' ? Date.parse(source.status.lastFetchedAt) : 0;
    const fresh = source.status.observedGeneration === source.metadata.generation && now - last < interval;
    if (fresh) return Result.requeueAfter(interval - (now - last));
    if (source.spec.type !== 'helm') {
      await this.#write(source, now, {
        ok: false,
        reason: 'Unsupported',
        message: `${String(source.spec.type)} sources are not supported yet; use a Helm repository`,
      });
      return Result.requeueAfter(interval);
    }
    const credentials = revealSecret(
      this.#o.cipher,
      source.spec.credentials,
    ) as ReadHelmIndexOptions['credentials'];
    const result = await readHelmIndex({
      url: String(source.spec.url),
      timeoutMs: this.#o.timeoutMs ?? 15_000,
      ...(credentials ? { credentials } : {}),
      ...(source.spec.insecureSkipTlsVerify === true ? { insecureSkipTlsVerify: true } : {}),
      ...(this.#o.egress ? { egress: this.#o.egress } : {}),
      ...(this.#o.resolver ? { resolver: this.#o.resolver } : {}),
    });
    if (ctx.signal.aborted) return Result.done();
    await this.#write(
      source,
      now,
      result.ok
        ? { ok: true, charts: result.charts, message: result.condition.message }
        : { ok: false, reason: result.condition.reason, message: result.condition.message },
    );
    return Result.requeueAfter(interval);
  }

  async #write(
    source: Resource,
    now: number,
    outcome:
      { ok: true; charts: unknown[]; message: string } | { ok: false; reason: string; message: string },
  ): Promise<void> {
    const previous = (source.status.conditions ?? []).find((c) => c.type === 'Ready');
    const status = outcome.ok ? 'True' : 'False';
    const reason = outcome.ok ? 'IndexRead' : outcome.reason;
    const changed = previous?.status !== status || previous.reason !== reason;
    const condition: Condition = {
      type: 'Ready',
      status,
      reason,
      message: outcome.message,
      lastTransitionTime: changed || !previous ? new Date(now).toISOString() : previous.lastTransitionTime,
      observedGeneration: source.metadata.generation,
    };
    const charts = outcome.ok ? outcome.charts : (source.status.charts ?? []);
    const scope = { tenant: source.metadata.tenant, projects: '*' as const };
    await this.#o.store.updateStatus(scope, {
      key: { kind: 'PackSource', tenant: source.metadata.tenant, project: '', name: source.metadata.name },
      status: {
        ...source.status,
        observedGeneration: source.metadata.generation,
        lastFetchedAt: new Date(now).toISOString(),
        conditions: [condition],
        charts,
      },
    });
    if (outcome.ok) this.#o.onChartsChanged?.(source.metadata.tenant);
    if (changed) {
      await recordEvent(this.#o.store, {
        tenant: source.metadata.tenant,
        involvedObject: { kind: 'PackSource', name: source.metadata.name },
        type: outcome.ok ? 'Normal' : 'Warning',
        reason,
        message: outcome.message,
        source: 'pack-source-controller',
        now: new Date(now),
      });
    }
  }
}
