import { StrataError, isStrataError, type KindDefinition, type Resource } from '@strata/api';
import type { StrataClient } from '@strata/client';
import { WaitTimeoutError } from './exit-codes.js';
import { nameOf } from './output/format.js';
import { describeCondition, observe, type WaitCondition } from './wait-condition.js';

export interface WaitOptions {
  client: StrataClient;
  kind: KindDefinition;
  name: string;
  project?: string | undefined;
  version?: string | undefined;
  condition: WaitCondition;
  timeoutMs: number;
  /** Outer cancellation (Ctrl-C). */
  signal?: AbortSignal | undefined;
}

/**
 * Waits until the object meets the condition (or is gone, for `delete`): reads it once, then follows its
 * collection's watch, resuming after the watch window expires (410) by reading the object again.
 * Returns the object that met the condition (undefined for deletion); throws WaitTimeoutError on timeout.
 */
export async function waitFor(options: WaitOptions): Promise<Resource | undefined> {
  const { client, kind, name, condition } = options;
  const label = nameOf({
    kind: kind.kind,
    metadata: { name },
    spec: options.version ? { version: options.version } : undefined,
  });
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout.signal]) : timeout.signal;
  let observed = 'nothing yet';
  try {
    for (;;) {
      let current: Resource;
      try {
        current = await client.get(kind, name, {
          project: options.project,
          version: options.version,
          signal,
        });
      } catch (err) {
        if (isStrataError(err) && err.code === 'STRATA_NOT_FOUND' && condition.type === 'delete')
          return undefined;
        throw err;
      }
      const now = observe(condition, current);
      observed = now.observed;
      if (now.met) return current;
      const events = client.watch(kind, {
        project: options.project,
        resourceVersion: current.metadata.resourceVersion,
        signal,
      });
      try {
        for await (const event of events) {
          if (event.object.metadata.name !== name) continue;
          if (
            options.version &&
            (event.object.spec as { version?: unknown } | undefined)?.version !== options.version
          )
            continue;
          if (event.type === 'DELETED') {
            if (condition.type === 'delete') return undefined;
            throw new StrataError(
              'STRATA_NOT_FOUND',
              `${label} was deleted while waiting for ${describeCondition(condition)}`,
            );
          }
          const seen = observe(condition, event.object);
          observed = seen.observed;
          if (seen.met) return event.object;
        }
      } catch (err) {
        if (isStrataError(err) && err.code === 'STRATA_GONE') continue;
        throw err;
      }
      break;
    }
  } catch (err) {
    if (!timeout.signal.aborted) throw err;
  } finally {
    clearTimeout(timer);
  }
  if (timeout.signal.aborted) {
    throw new WaitTimeoutError(
      `timed out after ${formatMs(options.timeoutMs)} waiting for ${describeCondition(condition)} on ${label} (last seen: ${observed})`,
    );
  }
  throw new Error(`interrupted while waiting for ${label}`);
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
