/**
 * The agent's typed errors. Each one says whether retrying can help: transient problems (network, conflicts with a
 * concurrent writer) are retried with backoff; terminal ones (an invalid manifest, a rejected token) are reported
 * as layer or connection state and wait for a change.
 */
import { setTimeout as delay } from 'node:timers/promises';

export type AgentErrorCode =
  | 'KubeUnreachable'
  | 'KubeApiError'
  | 'KubeUnknownKind'
  | 'ApplyConflict'
  | 'ReadinessTimeout'
  | 'WorkloadFailed'
  | 'HelmFailed'
  | 'ChartUnavailable'
  | 'ServerUnreachable'
  | 'ServerRejected'
  | 'ProtocolUnsupported'
  | 'InvalidMessage'
  | 'InvalidOptions'
  | 'StateTooLarge'
  | 'Aborted';

export class AgentError extends Error {
  readonly code: AgentErrorCode;
  readonly retriable: boolean;
  constructor(code: AgentErrorCode, message: string, options: { retriable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AgentError';
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

/** Thrown by waits and loops when their AbortSignal fires (a newer desired state, or shutdown). */
export class AbortedError extends AgentError {
  constructor() {
    super('Aborted', 'aborted', { retriable: true });
  }
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortedError();
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Resolves after `ms`, or rejects with AbortedError as soon as `signal` fires. */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, signal ? { signal } : {});
  } catch (err) {
    throw signal?.aborted ? new AbortedError() : err;
  }
}

/**
 * A signal that aborts when any of `signals` does (or after `timeoutMs`). Unlike AbortSignal.any it detaches from
 * its sources on dispose(), so long-lived signals (the agent's stop signal) do not collect a listener per request.
 */
export function linkSignals(
  signals: readonly (AbortSignal | undefined)[],
  timeoutMs?: number,
): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  const sources = signals.filter((s): s is AbortSignal => s !== undefined);
  for (const s of sources) {
    if (s.aborted) controller.abort();
    else s.addEventListener('abort', abort, { once: true });
  }
  const timer = timeoutMs === undefined ? undefined : setTimeout(abort, timeoutMs);
  return {
    signal: controller.signal,
    dispose: () => {
      clearTimeout(timer);
      for (const s of sources) s.removeEventListener('abort', abort);
    },
  };
}
