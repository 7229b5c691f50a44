import { strict as assert } from 'node:assert';
import type { ServerResponse } from 'node:http';
import { after, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { Resource, WatchEvent } from '@strata/api';
import { StrataClient } from './client.js';
import {
  cannedList,
  cannedObject,
  problemReply,
  sseEvent,
  startCannedServer,
  startEventStream,
  type CannedReply,
  type CannedServer,
  type RecordedRequest,
} from './testing/index.js';
import { relistEvents } from './watch.js';

const tenant = (name: string, rv: string) => cannedObject({ kind: 'Project', name, resourceVersion: rv });
const bookmark = (rv: string) => ({
  type: 'BOOKMARK',
  object: { kind: 'Project', metadata: { resourceVersion: rv } },
});
const fast = { baseMs: 1, maxMs: 5 };

async function take(iterable: AsyncIterable<WatchEvent>, n: number): Promise<WatchEvent[]> {
  const out: WatchEvent[] = [];
  if (n === 0) return out;
  for await (const e of iterable) {
    out.push(e);
    if (out.length === n) break;
  }
  return out;
}
const summary = (events: WatchEvent[]) =>
  events.map((e) => `${e.type} ${e.object.metadata.name ?? ''}@${e.object.metadata.resourceVersion}`);

describe('StrataClient.watch', () => {
  const servers: CannedServer[] = [];
  type Handler = (
    req: RecordedRequest,
    res: ServerResponse,
    n: number,
  ) => Promise<void> | CannedReply | undefined | void;
  const serve = async (handler: Handler) => {
    let n = 0;
    const server = await startCannedServer(async (req, res) => (await handler(req, res, n++)) ?? undefined);
    servers.push(server);
    return { server, client: new StrataClient({ server: server.url, apiKey: 'k' }) };
  };
  after(async () => {
    for (const s of servers) await s.close();
  });

  it('parses events written in pieces that split events mid-line, skipping bookmarks', async () => {
    const { server, client } = await serve(async (_req, res) => {
      startEventStream(res);
      const text =
        sseEvent({ type: 'ADDED', object: tenant('a', '5') }) +
        sseEvent(bookmark('6')) +
        sseEvent({ type: 'MODIFIED', object: tenant('a', '7') });
      for (const piece of [text.slice(0, 17), text.slice(17, 100), text.slice(100, 101), text.slice(101)]) {
        res.write(piece);
        await delay(5);
      }
    });
    const events = await take(client.watch('project', { resourceVersion: '4' }), 2);
    assert.deepEqual(summary(events), ['ADDED a@5', 'MODIFIED a@7']);
    const req = server.requests[0]!;
    assert.equal(req.path, '/v1/projects');
    assert.equal(req.query.get('watch'), 'true');
    assert.equal(req.query.get('resourceVersion'), '4');
    assert.match(String(req.headers.accept), /text\/event-stream/);
  });

  it('yields bookmarks when asked', async () => {
    const { client } = await serve((_req, res) => {
      startEventStream(res);
      res.write(sseEvent(bookmark('9')));
    });
    const [event] = await take(client.watch('project', { bookmarks: true }), 1);
    assert.equal(event?.type, 'BOOKMARK');
  });

  it('reconnects after the stream ends and resumes from the last resourceVersion seen (bookmarks included)', async () => {
    const { server, client } = await serve((_req, res, n) => {
      startEventStream(res);
      if (n === 0) res.end(sseEvent({ type: 'ADDED', object: tenant('a', '5') }) + sseEvent(bookmark('8')));
      else res.write(sseEvent({ type: 'ADDED', object: tenant('b', '9') }));
    });
    const events = await take(client.watch('project', { backoff: fast }), 2);
    assert.deepEqual(summary(events), ['ADDED a@5', 'ADDED b@9']);
    assert.deepEqual(
      server.requests.map((r) => r.query.get('resourceVersion')),
      [null, '8'],
    );
  });

  it('throws STRATA_GONE unless asked to re-list', async () => {
    const { client } = await serve(() => problemReply('STRATA_GONE', 'resourceVersion 1 is too old'));
    await assert.rejects(take(client.watch('project', { resourceVersion: '1' }), 1), { code: 'STRATA_GONE' });
  });

  it('re-lists after STRATA_GONE mid-stream and reports what changed meanwhile', async () => {
    const { server, client } = await serve((req, res, n) => {
      if (req.query.get('watch') !== 'true')
        return { body: cannedList([tenant('a', '12'), tenant('c', '13')], { resourceVersion: '14' }) };
      startEventStream(res);
      if (n === 0) {
        res.write(
          sseEvent({ type: 'ADDED', object: tenant('a', '5') }) +
            sseEvent({ type: 'ADDED', object: tenant('b', '6') }),
        );
        res.end(sseEvent(problemReply('STRATA_GONE', 'too old').body, 'error'));
      } else res.write(sseEvent({ type: 'DELETED', object: tenant('c', '15') }));
    });
    const events = await take(client.watch('project', { relistOnGone: true, backoff: fast }), 6);
    assert.deepEqual(summary(events), [
      'ADDED a@5',
      'ADDED b@6',
      'MODIFIED a@12',
      'ADDED c@13',
      'DELETED b@6',
      'DELETED c@15',
    ]);
    const watches = server.requests.filter((r) => r.query.get('watch') === 'true');
    assert.equal(watches.at(-1)!.query.get('resourceVersion'), '14');
  });

  it('throws non-retriable errors at once', async () => {
    const { server, client } = await serve(() => problemReply('STRATA_FORBIDDEN', 'no watch for you'));
    await assert.rejects(take(client.watch('project', { backoff: fast }), 1), { code: 'STRATA_FORBIDDEN' });
    assert.equal(server.requests.length, 1);
  });

  it('retries retriable errors with backoff, up to maxRetries', async () => {
    const { server, client } = await serve(() => problemReply('STRATA_UNAVAILABLE', 'starting up'));
    await assert.rejects(take(client.watch('project', { backoff: fast, maxRetries: 3 }), 1), {
      code: 'STRATA_UNAVAILABLE',
    });
    assert.equal(server.requests.length, 4);
  });

  it('ends quietly when the signal aborts', async () => {
    const { client } = await serve((_req, res) => {
      startEventStream(res);
      res.write(sseEvent({ type: 'ADDED', object: tenant('a', '5') }));
    });
    const controller = new AbortController();
    const seen: WatchEvent[] = [];
    for await (const e of client.watch('project', { signal: controller.signal })) {
      seen.push(e);
      controller.abort();
    }
    assert.equal(seen.length, 1);
  });

  it('closes the connection when the consumer stops iterating', async () => {
    let closed = false;
    const { client } = await serve((_req, res) => {
      startEventStream(res);
      res.on('close', () => (closed = true));
      res.write(sseEvent({ type: 'ADDED', object: tenant('a', '5') }));
    });
    await take(client.watch('project'), 1);
    for (let i = 0; i < 50 && !closed; i++) await delay(10);
    assert.equal(closed, true);
  });
});

describe('relistEvents', () => {
  it('diffs the known objects against a fresh list', () => {
    const known = new Map<string, Resource>([
      ['a', tenant('a', '1')],
      ['b', tenant('b', '2')],
    ]);
    const events = [...relistEvents(known, [tenant('a', '1'), tenant('c', '3')])];
    assert.deepEqual(summary(events), ['ADDED c@3', 'DELETED b@2']);
    assert.deepEqual([...known.keys()].sort(), ['a', 'c']);
  });
});
