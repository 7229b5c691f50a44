/** Exponential backoff with jitter, as used by watch reconnects. */
export interface BackoffOptions {
  /** First delay before jitter. Default 250 ms. */
  initialMs?: number;
  /** Upper bound of any delay. Default 10 s. */
  maxMs?: number;
  /** Growth per attempt. Default 2. */
  factor?: number;
  /** Random source in [0, 1); injectable for tests. */
  random?: () => number;
}

/**
 * The delay before retry number `attempt` (0-based): `min(max, initial * factor^attempt)`, then scaled by a
 * random factor in [0.5, 1) so that many clients reconnecting at once spread out.
 */
export function backoffDelayMs(attempt: number, options: BackoffOptions = {}): number {
  const initial = options.initialMs ?? 250;
  const max = options.maxMs ?? 10_000;
  const factor = options.factor ?? 2;
  const random = options.random ?? Math.random;
  const base = Math.min(max, initial * factor ** Math.max(0, attempt));
  return Math.round(base * (0.5 + random() / 2));
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
