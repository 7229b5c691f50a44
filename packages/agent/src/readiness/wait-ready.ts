/**
 * Waits until every given object is ready (readiness.ts), re-reading only those that are not, until a deadline.
 * A Job that failed fails the wait at once; running out of time fails it with what was still not ready.
 */
import { AgentError, sleep, throwIfAborted } from '../errors.js';
import type { KubeClient } from '../kube/kube-client.js';
import { describeRef, refOf, type KubeObject, type ObjectRef } from '../kube/object-ref.js';
import { hasReadinessCheck, readinessOf } from './readiness.js';

export interface WaitReadyOptions {
  kube: KubeClient;
  /** Epoch ms. */
  deadline: number;
  signal?: AbortSignal;
  pollMs?: number;
}

/**
 * `objects` are the freshest known copies (e.g. apply responses), so kinds without a check cost no request at all.
 */
export async function waitReady(objects: readonly KubeObject[], options: WaitReadyOptions): Promise<void> {
  let pending: { ref: ObjectRef; live: KubeObject | undefined }[] = [];
  for (const o of objects) {
    const ref = refOf(o);
    if (ref && hasReadinessCheck(ref.apiVersion, ref.kind)) pending.push({ ref, live: o });
  }
  let pollMs = options.pollMs ?? 500;
  for (;;) {
    throwIfAborted(options.signal);
    const still: typeof pending = [];
    const reasons: string[] = [];
    for (const p of pending) {
      if (!p.live) {
        still.push(p);
        reasons.push(`${describeRef(p.ref)}: not found`);
        continue;
      }
      const r = readinessOf(p.live);
      if (r.state === 'failed') throw new AgentError('WorkloadFailed', `${describeRef(p.ref)}: ${r.reason}`);
      if (r.state === 'progressing') {
        still.push(p);
        reasons.push(`${describeRef(p.ref)}: ${r.reason}`);
      }
    }
    if (still.length === 0) return;
    if (Date.now() >= options.deadline) {
      const more = reasons.length > 3 ? ` (and ${reasons.length - 3} more)` : '';
      throw new AgentError('ReadinessTimeout', `not ready in time: ${reasons.slice(0, 3).join('; ')}${more}`);
    }
    await sleep(Math.min(pollMs, Math.max(0, options.deadline - Date.now())), options.signal);
    pollMs = Math.min(pollMs * 1.5, 3000);
    pending = await Promise.all(
      still.map(async (p) => ({ ref: p.ref, live: await options.kube.get(p.ref, options.signal) })),
    );
  }
}
