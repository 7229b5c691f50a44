import {
  StrataError,
  backoffDelayMs,
  isStrataError,
  type BackoffOptions,
  type ListResult,
  type Resource,
  type WatchEvent,
} from '@strata/api';
import { sleep } from './sleep.js';
import { parseServerSentEvents } from './sse.js';
import { isProblem, type Transport } from './transport.js';
import type { WatchOptions } from './types.js';

export interface WatchSource {
  transport: Transport;
  /** The collection path, e.g. `/v1/projects/retail/clusters`. */
  path: string;
  /** Lists the whole collection (used after STRATA_GONE when `relistOnGone` is set). */
  listAll: (signal: AbortSignal | undefined) => Promise<ListResult<Resource>>;
}

/** Reconnects start fast: a watch is what a user is looking at. */
const RECONNECT_BACKOFF: BackoffOptions = { baseMs: 250, maxMs: 10_000 };

type StreamEnd = { kind: 'gone'; error: StrataError } | { kind: 'retry'; error: unknown; sawEvents: boolean };

/**
 * Follows a collection over server-sent events. Resumes from the last resourceVersion seen after network
 * errors and retriable server errors (jittered exponential backoff), and ends quietly when the signal aborts
 * or the consumer stops iterating.
 */
export async function* watchCollection<T extends Resource = Resource>(
  source: WatchSource,
  options: WatchOptions = {},
): AsyncGenerator<WatchEvent<T>> {
  const { signal } = options;
  const backoff: BackoffOptions = { ...RECONNECT_BACKOFF, ...options.backoff };
  const known = options.relistOnGone ? new Map<string, Resource>() : undefined;
  let resourceVersion = options.resourceVersion;
  let failures = 0;
  let gones = 0;
  while (!signal?.aborted) {
    let end: StreamEnd;
    try {
      const response = await source.transport.send({
        method: 'GET',
        path: source.path,
        query: { watch: 'true', resourceVersion, labelSelector: options.labelSelector },
        accept: 'text/event-stream, application/problem+json',
        signal,
      });
      end = yield* readStream<T>(response, {
        onEvent: (event) => {
          resourceVersion = event.object?.metadata?.resourceVersion ?? resourceVersion;
          if (known) track(known, event);
        },
        bookmarks: options.bookmarks ?? false,
      });
    } catch (err) {
      if (signal?.aborted) return;
      end = isGone(err) ? { kind: 'gone', error: err } : { kind: 'retry', error: err, sawEvents: false };
    }
    if (end.kind === 'gone') {
      if (!known) throw end.error;
      // Back off when re-listing keeps landing on a resourceVersion that is already gone (heavy write load).
      if (gones++ > 0) {
        try {
          await sleep(backoffDelayMs(gones - 2, backoff), signal);
        } catch {
          return;
        }
      }
      const list = await source.listAll(signal);
      yield* relistEvents<T>(known, list.items);
      resourceVersion = list.resourceVersion;
      failures = 0;
      continue;
    }
    if (isStrataError(end.error) && !end.error.retriable) throw end.error;
    if (end.sawEvents) {
      failures = 0;
      gones = 0;
    }
    if (options.maxRetries !== undefined && failures >= options.maxRetries) throw end.error;
    try {
      await sleep(backoffDelayMs(failures, backoff), signal);
    } catch {
      return;
    }
    failures++;
  }
}

interface ReadOptions<T> {
  onEvent: (event: WatchEvent<T>) => void;
  bookmarks: boolean;
}

async function* readStream<T extends Resource>(
  response: Response,
  o: ReadOptions<T>,
): AsyncGenerator<WatchEvent<T>, StreamEnd> {
  let sawEvents = false;
  if (!response.body)
    return {
      kind: 'retry',
      error: new StrataError('STRATA_UNAVAILABLE', 'watch response has no body'),
      sawEvents,
    };
  try {
    for await (const sse of parseServerSentEvents(response.body)) {
      if (sse.event === 'error') {
        const error = problemError(sse.data);
        return isGone(error) ? { kind: 'gone', error } : { kind: 'retry', error, sawEvents };
      }
      if (sse.event !== 'message') continue;
      const event = parseEvent<T>(sse.data);
      sawEvents = true;
      o.onEvent(event);
      if (event.type === 'BOOKMARK' && !o.bookmarks) continue;
      yield event;
    }
  } catch (err) {
    return { kind: 'retry', error: err, sawEvents };
  }
  return {
    kind: 'retry',
    error: new StrataError('STRATA_UNAVAILABLE', 'the server closed the watch'),
    sawEvents,
  };
}

function parseEvent<T>(data: string): WatchEvent<T> {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    throw new StrataError(
      'STRATA_INTERNAL',
      `the server sent a watch event that is not JSON: ${data.slice(0, 100)}`,
    );
  }
  const v = value as Partial<WatchEvent<T>>;
  if (typeof v?.type !== 'string' || typeof v.object !== 'object' || v.object === null) {
    throw new StrataError(
      'STRATA_INTERNAL',
      `the server sent a malformed watch event: ${data.slice(0, 100)}`,
    );
  }
  return v as WatchEvent<T>;
}

function problemError(data: string): StrataError {
  try {
    const value: unknown = JSON.parse(data);
    if (isProblem(value)) return StrataError.fromProblem(value);
  } catch {
    // fall through
  }
  return new StrataError('STRATA_INTERNAL', `watch failed: ${data.slice(0, 200)}`);
}

function isGone(err: unknown): err is StrataError {
  return isStrataError(err) && err.code === 'STRATA_GONE';
}

function keyOf(object: Resource): string {
  const version = (object.spec as { version?: unknown } | undefined)?.version;
  return typeof version === 'string' ? `${object.metadata.name}@${version}` : object.metadata.name;
}

function track(known: Map<string, Resource>, event: WatchEvent<Resource>): void {
  if (event.type === 'BOOKMARK') return;
  if (event.type === 'DELETED') known.delete(keyOf(event.object));
  else known.set(keyOf(event.object), event.object);
}

/** After a re-list: what changed since the last event seen, as watch events. Updates `known`. */
export function* relistEvents<T extends Resource>(
  known: Map<string, Resource>,
  items: Resource[],
): Generator<WatchEvent<T>> {
  const present = new Set<string>();
  for (const item of items) {
    const key = keyOf(item);
    present.add(key);
    const before = known.get(key);
    known.set(key, item);
    if (!before) yield { type: 'ADDED', object: item as T };
    else if (before.metadata.resourceVersion !== item.metadata.resourceVersion)
      yield { type: 'MODIFIED', object: item as T };
  }
  for (const [key, object] of [...known]) {
    if (present.has(key)) continue;
    known.delete(key);
    yield { type: 'DELETED', object: object as T };
  }
}
