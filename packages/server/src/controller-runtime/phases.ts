import type { ReconcileContext } from './controller.js';
import { Result } from './result.js';

/**
 * One named step of a reconcile pass. It reads and fills the pass's scope, and answers what it needs next:
 * `Result.done()` (nothing more from this phase), `Result.requeueAfter(ms)` (look again later: waiting is not an
 * error), or it throws (a transient failure: the runtime backs off). A phase that needs what an earlier one
 * produced checks the scope and returns `done` when it is missing.
 */
export interface Phase<S> {
  readonly name: string;
  run(ctx: ReconcileContext, scope: S): Promise<Result>;
}

export interface PhasesOutcome {
  /** The shortest requeue any phase asked for, or done. */
  readonly result: Result;
  /** The errors the phases threw, in phase order (each with the phase's name); undefined when none did. */
  readonly error: Error | undefined;
}

/**
 * Runs every phase in order — also after one failed, so later phases (summarising status) still run — and combines
 * the answers: the lowest requeue wins, errors are aggregated. Stops early only when the pass is aborted.
 */
export async function runPhases<S>(
  ctx: ReconcileContext,
  scope: S,
  phases: readonly Phase<S>[],
): Promise<PhasesOutcome> {
  let result = Result.done();
  const errors: Error[] = [];
  for (const phase of phases) {
    if (ctx.signal.aborted) break;
    try {
      result = lowestRequeue(result, await phase.run(ctx, scope));
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      errors.push(Object.assign(error, { phase: phase.name }));
    }
  }
  return { result, error: aggregate(errors) };
}

/** The sooner of two answers: a requeue beats done, a shorter requeue beats a longer one. */
export function lowestRequeue(a: Result, b: Result): Result {
  if (a.kind === 'done') return b;
  if (b.kind === 'done') return a;
  return a.delayMs <= b.delayMs ? a : b;
}

function aggregate(errors: Error[]): Error | undefined {
  if (errors.length <= 1) return errors[0];
  return new AggregateError(errors, errors.map((e) => e.message).join('; '));
}
