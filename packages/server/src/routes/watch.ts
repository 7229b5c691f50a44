import { StrataError, type Resource, type WatchEvent } from '@strata/api';
import { parseLabelSelector } from '@strata/store';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { accessScope } from '../auth/principal.js';
import { authorize, checkScope, type Target } from '../resources/access.js';
import type { RequestContext, ResourceService } from '../resources/resource-service.js';
import { redact } from '../resources/secret-fields.js';
import type { ChangeHub } from '../watch/change-hub.js';

export interface WatchOptions {
  req: FastifyRequest;
  reply: FastifyReply;
  hub: ChangeHub;
  service: ResourceService;
  ctx: RequestContext;
  target: Target;
  resourceVersion?: string | undefined;
  labelSelector?: string | undefined;
  bookmarkIntervalMs?: number;
  /**
   * Checks again that the caller may still watch (key not revoked, role not removed); called before every delivery
   * and bookmark, and the stream ends with an error event when it throws.
   */
  recheck?: () => Promise<void>;
  /** A client that reads slower than this many buffered bytes is disconnected. */
  maxBufferedBytes?: number;
}

/**
 * Streams changes as server-sent events: `data: {"type":"ADDED|MODIFIED|DELETED|BOOKMARK","object":{...}}`.
 * Without a resourceVersion it first sends every current object as ADDED. A resourceVersion older than the
 * store keeps gives 410 STRATA_GONE before the stream starts.
 */
export async function streamWatch(o: WatchOptions): Promise<FastifyReply> {
  const { kind, project } = o.target;
  checkScope(o.target);
  authorize(o.ctx.principal, o.target, 'watch');
  const scope =
    kind.scope === 'system' ? { tenant: '', projects: '*' as const } : accessScope(o.ctx.principal);
  let since = o.resourceVersion;
  const initial: WatchEvent[] = [];
  if (since === undefined) {
    let cont: string | undefined;
    do {
      const page = await o.service.list(o.ctx, o.target, {
        limit: 1000,
        labelSelector: o.labelSelector,
        ...(cont ? { continue: cont } : {}),
      });
      for (const item of page.items) initial.push({ type: 'ADDED', object: item });
      since ??= page.resourceVersion;
      cont = page.continue;
    } while (cont);
  } else {
    // Fails with STRATA_GONE (410) before any byte is streamed when `since` is too old.
    await o.service.store.changes(scope, {
      kind: kind.kind,
      project: project ?? '',
      sinceResourceVersion: since,
      limit: 1,
    });
  }
  const raw = o.reply.raw;
  o.reply.hijack();
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  const send = (e: WatchEvent) => raw.write(`data: ${JSON.stringify(e)}\n\n`);
  const bookmark = (rv: string) =>
    send({
      type: 'BOOKMARK',
      object: { kind: kind.kind, metadata: { resourceVersion: rv } } as unknown as Resource,
    });
  for (const e of initial) send(e);
  bookmark(since);
  let lastRv = since;
  let closed = false;
  let chain = Promise.resolve();
  const fail = (err: unknown) => {
    if (closed) return;
    closed = true;
    const problem =
      err instanceof StrataError
        ? err.toProblem()
        : new StrataError('STRATA_INTERNAL', 'watch failed').toProblem();
    raw.write(`event: error\ndata: ${JSON.stringify(problem)}\n\n`);
    raw.end();
  };
  /** Deliveries run one after another, each after the access re-check. */
  const deliver = (write: () => void) => {
    chain = chain
      .then(async () => {
        if (closed) return;
        await o.recheck?.();
        if (closed) return;
        write();
        if (raw.writableLength > (o.maxBufferedBytes ?? 8 * 1024 * 1024)) {
          throw new StrataError(
            'STRATA_RATE_LIMITED',
            'the watch client reads too slowly; reconnect and resume from the last resourceVersion',
          );
        }
      })
      .catch(fail);
  };
  const unsubscribe = o.hub.subscribe({
    scope,
    kind: kind.kind,
    project: project ?? '',
    labelSelector: o.labelSelector ? parseLabelSelector(o.labelSelector) : undefined,
    since: since,
    onEvents(events, rv) {
      deliver(() => {
        for (const e of events) send({ type: e.type, object: redact(kind, e.object) });
        lastRv = rv;
      });
    },
    onError: fail,
  });
  const timer = setInterval(() => deliver(() => bookmark(lastRv)), o.bookmarkIntervalMs ?? 15_000);
  timer.unref();
  o.req.raw.on('close', () => {
    closed = true;
    clearInterval(timer);
    unsubscribe();
  });
  return o.reply;
}
