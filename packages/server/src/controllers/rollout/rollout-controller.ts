/**
 * The Rollout controller: one change applied to many clusters, batch by batch, behind health gates
 * (docs/reference/fleet.md).
 *
 *   Pending (first pass: select the clusters, order them, report the skipped ones, plan the batches) → Progressing
 *   (canary, then each batch: write the clusters' specs, wait until every one passes the gate or the gate times out)
 *   → Succeeded. Halted when more clusters failed than `maxFailures`; Paused while `spec.paused`; Aborted by
 *   `spec.aborted`; RollingBack → RolledBack by `spec.rollback` (the previous specs, through the same batches).
 *
 * Every pass reads the same way: fetch → a scope → select, observe, decide, act, summarise → one status write
 * (compare-and-swap) → events. All it needs to resume is in its status and the clusters: a batch is marked started
 * in the write after its clusters' specs were written, and a cluster already at the wanted spec is not written
 * again, so a crash between the two changes no cluster twice. It writes Cluster specs (through the ResourceService,
 * as `system:rollout-controller`), never their status: the Cluster controller does the rest.
 */
import { FINISHED_ROLLOUT_PHASES, StrataError, type RolloutSpec, type RolloutStatus } from '@strata/api';
import { canonicalJson } from '@strata/core';
import type { ObjectKey, ResourceRepository } from '@strata/store';
import {
  Result,
  runPhases,
  type Controller,
  type Phase,
  type ReconcileContext,
} from '../../controller-runtime/index.js';
import type { ResourceService } from '../../resources/resource-service.js';
import { recordEvent } from '../events.js';
import {
  actPhase,
  decidePhase,
  observePhase,
  ROLLOUT_SOURCE,
  selectPhase,
  summarisePhase,
} from './rollout-phases.js';
import { rolloutEvents } from './rollout-events.js';
import type { RolloutScope } from './rollout-scope.js';

/** How often a halted or paused rollout with no batch under way looks again (user changes wake it at once). */
const IDLE_MS = 60_000;

export interface RolloutControllerOptions {
  store: ResourceRepository;
  /** Cluster specs are written through it (validation, sealed variables, audit). */
  service: ResourceService;
  /** Re-check interval while a batch waits for its gate. Default 2 s. */
  progressMs?: number;
}

export class RolloutController implements Controller {
  readonly name = 'rollout';
  readonly #o: RolloutControllerOptions;
  readonly #phases: readonly Phase<RolloutScope>[];

  constructor(options: RolloutControllerOptions) {
    this.#o = options;
    this.#phases = [
      selectPhase(options),
      observePhase(options),
      decidePhase(),
      actPhase(options),
      summarisePhase(),
    ];
  }

  async reconcile(ctx: ReconcileContext, key: ObjectKey): Promise<Result> {
    const scopeOf = { tenant: key.tenant, projects: '*' as const };
    const rollout = await this.#o.store.get(scopeOf, key);
    if (!rollout || rollout.metadata.deletedAt) return Result.done();
    const before = rollout.status as RolloutStatus;
    if (
      FINISHED_ROLLOUT_PHASES.includes(before.phase!) &&
      before.observedGeneration === rollout.metadata.generation
    ) {
      return Result.done();
    }
    const scope: RolloutScope = {
      rollout,
      spec: rollout.spec as unknown as RolloutSpec,
      before,
      now: new Date(ctx.clock.now()),
      observed: new Map(),
      written: new Map(),
      events: [],
    };
    const outcome = await runPhases(ctx, scope, this.#phases);
    // A failed act wrote some clusters, maybe: the status of this pass must not claim the batch started.
    if (outcome.error) throw outcome.error;
    const status = scope.status!;
    if (canonicalJson(status) !== canonicalJson(before)) {
      try {
        await this.#o.store.updateStatus(
          scopeOf,
          { key, status, expectedResourceVersion: rollout.metadata.resourceVersion },
          { name: ROLLOUT_SOURCE },
        );
      } catch (err) {
        // The user changed the rollout meanwhile (pause, abort, rollback): start again from theirs.
        if (err instanceof StrataError && err.code === 'STRATA_CONFLICT') return Result.requeueAfter(0);
        throw err;
      }
      for (const event of rolloutEvents(before, status)) {
        await recordEvent(this.#o.store, {
          tenant: key.tenant,
          involvedObject: {
            kind: 'Rollout',
            name: key.name,
            ...(key.project ? { project: key.project } : {}),
          },
          ...event,
          source: ROLLOUT_SOURCE,
          now: scope.now,
        });
      }
    }
    return this.#next(status, scope);
  }

  #next(status: RolloutStatus, scope: RolloutScope): Result {
    if (FINISHED_ROLLOUT_PHASES.includes(status.phase!)) return Result.done();
    if (!scope.before.clusters || scope.decision?.action) return Result.requeueAfter(0);
    const progress = this.#o.progressMs ?? 2000;
    // Halted or paused with no batch under way: nothing to watch until the user acts (the change feed wakes it).
    const underWay = (status.batches ?? []).some(
      (b) => b.state === 'Running' || b.rollback?.state === 'Running',
    );
    if (!underWay && (status.phase === 'Halted' || status.phase === 'Paused'))
      return Result.requeueAfter(IDLE_MS);
    const wait = scope.decision?.waitUntil;
    const until = wait ? Math.max(0, wait.getTime() - scope.now.getTime()) : progress;
    return Result.requeueAfter(Math.min(progress, until));
  }
}
