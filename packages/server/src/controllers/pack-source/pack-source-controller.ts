/**
 * The PackSource controller keeps each PackSource's chart list fresh: it reads the Helm repository index every
 * `spec.interval`, writes the charts and a Ready condition to status once per pass (compare-and-swap), and records
 * an Event when Ready changes. An unreachable or malformed index is a condition (Ready=False with the reason), never
 * a crash; the last good chart list stays usable.
 */
import { StrataError } from '@strata/api';
import type { EgressPolicy } from '@strata/core';
import type { ObjectKey, ResourceRepository } from '@strata/store';
import { Result, runPhases, type Controller, type ReconcileContext } from '../../controller-runtime/index.js';
import type { ReadHelmIndexOptions } from '../../packs/helm-index.js';
import type { SecretCipher } from '../../resources/secret-fields.js';
import { recordEvent } from '../events.js';
import { parseInterval } from './interval.js';
import { readIndexPhase, summarisePhase } from './pack-source-phases.js';
import type { PackSourceScope } from './pack-source-scope.js';
import { packSourceEvents } from './pack-source-status.js';

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

const SOURCE = 'pack-source-controller';

export class PackSourceController implements Controller {
  readonly name = 'pack-source';
  readonly #o: PackSourceControllerOptions;
  readonly #phases;

  constructor(options: PackSourceControllerOptions) {
    this.#o = options;
    this.#phases = [readIndexPhase(options), summarisePhase()];
  }

  async reconcile(ctx: ReconcileContext, key: ObjectKey): Promise<Result> {
    const readScope = { tenant: key.tenant, projects: '*' as const };
    const source = await this.#o.store.get(readScope, key);
    if (!source || source.metadata.deletedAt) return Result.done();
    const interval = parseInterval(
      source.spec.interval as string | undefined,
      this.#o.defaultIntervalMs ?? 600_000,
    );
    const now = ctx.clock.now();
    const last =
      typeof source.status.lastFetchedAt === 'string' ? Date.parse(source.status.lastFetchedAt) : 0;
    if (source.status.observedGeneration === source.metadata.generation && now - last < interval) {
      return Result.requeueAfter(interval - (now - last));
    }
    const scope: PackSourceScope = { source, before: structuredClone(source.status), now: new Date(now) };
    const outcome = await runPhases(ctx, scope, this.#phases);
    if (outcome.error) throw outcome.error;
    if (!scope.status || !scope.read) return Result.done();
    try {
      await this.#o.store.updateStatus(
        readScope,
        { key, status: scope.status, expectedResourceVersion: source.metadata.resourceVersion },
        { name: SOURCE },
      );
    } catch (err) {
      // Changed meanwhile (a new spec): read it again rather than write over it.
      if (err instanceof StrataError && err.code === 'STRATA_CONFLICT') return Result.requeueAfter(0);
      throw err;
    }
    if (scope.read.charts) this.#o.onChartsChanged?.(source.metadata.tenant);
    for (const event of packSourceEvents(scope.before, scope.status)) {
      await recordEvent(this.#o.store, {
        tenant: source.metadata.tenant,
        involvedObject: { kind: 'PackSource', name: source.metadata.name },
        ...event,
        source: SOURCE,
        now: scope.now,
      });
    }
    return Result.requeueAfter(interval);
  }
}
