import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { WatchEvent } from '@strata/api';
import { testBackends } from '@strata/testing';
import { startTestServer, type TestServer } from './test/harness.js';

/** Opens a real HTTP watch (SSE) and collects events until `until` says stop. */
async function collect(
  base: string,
  path: string,
  key: string,
  until: (events: WatchEvent[]) => boolean,
): Promise<WatchEvent[]> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 10_000);
  const res = await fetch(`${base}${path}`, {
    headers: { authorization: `Bearer ${key}` },
    signal: controller.signal,
  });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
  const events: WatchEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let idx: number;
      while ((idx = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, idx);
        buffer = buffer.slice(idx + 2);
        const data = block.split('\n').find((l) => l.startsWith('data: '));
        if (data) events.push(JSON.parse(data.slice(6)) as WatchEvent);
      }
      if (until(events)) break;
    }
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return events;
}

for (const backend of await testBackends()) {
  describe(`watch on ${backend.name}`, () => {
    let s: TestServer;
    let base: string;
    before(async () => {
      s = await startTestServer(backend);
      base = await s.app.listen({ host: '127.0.0.1', port: 0 });
    });
    after(async () => s?.close());

    const post = (name: string, value: string) =>
      s.call({
        method: 'POST',
        url: '/v1/projects/default/macros',
        body: { metadata: { name }, spec: { value } },
      });

    it('streams current objects, then changes as they happen', async () => {
      await post('w1', 'a');
      const pending = collect(base, '/v1/projects/default/macros?watch=true', s.adminKey, (ev) =>
        ev.some((e) => e.type === 'DELETED'),
      );
      await new Promise((r) => setTimeout(r, 200));
      await post('w2', 'b');
      await s.call({
        method: 'PATCH',
        url: '/v1/projects/default/macros/w1',
        contentType: 'application/merge-patch+json',
        body: { spec: { value: 'c' } },
      });
      await s.call({ method: 'DELETE', url: '/v1/projects/default/macros/w2' });
      const events = (await pending).filter((e) => e.type !== 'BOOKMARK');
      assert.deepEqual(
        events.map((e) => `${e.type} ${e.object.metadata.name}`),
        ['ADDED w1', 'ADDED w2', 'MODIFIED w1', 'DELETED w2'],
      );
    });

    it('resumes from a resourceVersion without missing or repeating a change', async () => {
      const first = await post('r1', '1');
      const rv = (first.body.metadata as { resourceVersion: string }).resourceVersion;
      await post('r2', '2');
      await post('r3', '3');
      const events = await collect(
        base,
        `/v1/projects/default/macros?watch=true&resourceVersion=${rv}`,
        s.adminKey,
        (ev) => ev.some((e) => e.object.metadata.name === 'r3'),
      );
      assert.deepEqual(
        events.filter((e) => e.type !== 'BOOKMARK').map((e) => e.object.metadata.name),
        ['r2', 'r3'],
      );
    });

    it('does not show another project’s changes, and refuses a watch the caller may not make', async () => {
      await s.call({ method: 'POST', url: '/v1/projects', body: { metadata: { name: 'other' }, spec: {} } });
      const rv = await s.store.currentResourceVersion();
      await s.call({
        method: 'POST',
        url: '/v1/projects/other/macros',
        body: { metadata: { name: 'hidden' }, spec: { value: 'x' } },
      });
      await post('visible', 'y');
      const events = await collect(
        base,
        `/v1/projects/default/macros?watch=true&resourceVersion=${rv}`,
        s.adminKey,
        (ev) => ev.some((e) => e.object.metadata.name === 'visible'),
      );
      assert.ok(!events.some((e) => e.object.metadata.name === 'hidden'));
      const res = await fetch(`${base}/v1/projects/default/macros?watch=true`);
      assert.equal(res.status, 401);
    });

    it('ends an open watch when its key is revoked', async () => {
      const made = await s.call({
        method: 'POST',
        url: '/v1/apikeys',
        body: { metadata: { name: 'watcher' }, spec: {} },
      });
      const key = made.body.key as string;
      const controller = new AbortController();
      const res = await fetch(`${base}/v1/projects/default/macros?watch=true`, {
        headers: { authorization: `Bearer ${key}` },
        signal: controller.signal,
      });
      assert.equal(res.status, 200);
      await s.call({
        method: 'PATCH',
        url: '/v1/apikeys/watcher',
        contentType: 'application/merge-patch+json',
        body: { spec: { revoked: true } },
      });
      await new Promise((r) => setTimeout(r, 2100)); // the key cache's lifetime
      await post('after-revoke', 'x');
      let text = '';
      const timer = setTimeout(() => controller.abort(), 5000);
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>)
          text += Buffer.from(chunk).toString();
      } catch {
        // aborted by the timer: the stream did not end by itself
      } finally {
        clearTimeout(timer);
      }
      assert.match(text, /event: error/);
      assert.match(text, /STRATA_UNAUTHENTICATED/);
      assert.doesNotMatch(text, /after-revoke/);
    });

    it('filters by label selector', async () => {
      const rv = await s.store.currentResourceVersion();
      await s.call({
        method: 'POST',
        url: '/v1/projects/default/macros',
        body: { metadata: { name: 'blue', labels: { colour: 'blue' } }, spec: { value: 'b' } },
      });
      await s.call({
        method: 'POST',
        url: '/v1/projects/default/macros',
        body: { metadata: { name: 'red', labels: { colour: 'red' } }, spec: { value: 'r' } },
      });
      const events = await collect(
        base,
        `/v1/projects/default/macros?watch=true&labelSelector=colour%3Dred&resourceVersion=${rv}`,
        s.adminKey,
        (ev) => ev.some((e) => e.object.metadata.name === 'red'),
      );
      assert.deepEqual(
        events.filter((e) => e.type !== 'BOOKMARK').map((e) => e.object.metadata.name),
        ['red'],
      );
    });

    it('streams the audit log to a follower (SIEM) and resumes from a resourceVersion without losing entries', async () => {
      const list = await s.call({ method: 'GET', url: '/v1/auditentries?limit=1' });
      const from = String(
        (list.body as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion ??
          list.body.resourceVersion,
      );
      // Written while the follower was away: a resumed watch still delivers them.
      for (const name of ['siem-a', 'siem-b'])
        assert.equal(
          (await s.call({ method: 'POST', url: '/v1/users', body: { metadata: { name }, spec: {} } })).status,
          201,
        );
      const seen = (events: WatchEvent[]) =>
        events
          .filter((e) => e.type === 'ADDED' && e.object.kind === 'AuditEntry')
          .map((e) => (e.object.spec as { object: { name: string } }).object.name);
      const events = await collect(
        base,
        `/v1/auditentries?watch=true&resourceVersion=${from}`,
        s.adminKey,
        (ev) => ['siem-a', 'siem-b'].every((n) => seen(ev).includes(n)),
      );
      assert.deepEqual(
        seen(events).filter((n) => n.startsWith('siem-')),
        ['siem-a', 'siem-b'],
      );
    });
  });
}
