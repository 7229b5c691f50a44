/**
 * `GET .../clusters/NAME/events` reads the events of that cluster only, by label (one indexed query, not every event
 * of the project filtered in memory): not those of a cluster whose name starts the same, of another kind with the
 * same name, or of a same-named cluster in another project. Repeats count up and keep (or gain) the labels.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testBackends } from '@strata/testing';
import { INVOLVED_KIND_LABEL, recordEvent } from '../controllers/events.js';
import { expectOk, startTestServer, type TestServer } from '../test/harness.js';

const imported = (name: string) => ({
  metadata: { name },
  spec: { provider: 'imported', nodePools: [], import: { mode: 'read-only', connect: 'manifest' } },
});

for (const backend of await testBackends()) {
  describe(`cluster events on ${backend.name}`, () => {
    let s: TestServer;
    const event = (kind: string, name: string, project: string, reason: string, at: string) =>
      recordEvent(s.store, {
        tenant: 'default',
        involvedObject: { kind, name, project },
        type: 'Normal',
        reason,
        message: `${kind} ${name}: ${reason}`,
        source: 'test',
        now: new Date(at),
      });

    before(async () => {
      s = await startTestServer(backend);
      await expectOk(
        s.call({ method: 'POST', url: '/v1/projects', body: { metadata: { name: 'other' }, spec: {} } }),
      );
      for (const [project, name] of [
        ['default', 'web'],
        ['default', 'web-2'],
        ['other', 'web'],
      ] as const)
        await expectOk(
          s.call({ method: 'POST', url: `/v1/projects/${project}/clusters`, body: imported(name) }),
        );
    });
    after(async () => s?.close());

    it('lists only the events of that cluster, newest first, with repeats counted', async () => {
      await event('Cluster', 'web', 'default', 'Provisioning', '2026-01-01T10:00:00Z');
      await event('Cluster', 'web', 'default', 'Running', '2026-01-01T10:05:00Z');
      await event('Cluster', 'web', 'default', 'Provisioning', '2026-01-01T10:10:00Z');
      await event('Cluster', 'web-2', 'default', 'Running', '2026-01-01T10:20:00Z');
      await event('PackSource', 'web', 'default', 'Synced', '2026-01-01T10:30:00Z');
      await event('Cluster', 'web', 'other', 'Running', '2026-01-01T10:40:00Z');
      const res = await expectOk(s.call({ method: 'GET', url: '/v1/projects/default/clusters/web/events' }));
      const items = res.body.items as unknown as {
        metadata: { labels: Record<string, string> };
        spec: { reason: string; count: number; lastSeen: string };
      }[];
      assert.deepEqual(
        items.map((e) => [e.spec.reason, e.spec.count, e.spec.lastSeen]),
        [
          ['Provisioning', 2, '2026-01-01T10:10:00.000Z'],
          ['Running', 1, '2026-01-01T10:05:00.000Z'],
        ],
      );
      assert.ok(items.every((e) => e.metadata.labels[INVOLVED_KIND_LABEL] === 'Cluster'));
    });

    it('an event recorded without labels (before they existed) gets them when it repeats', async () => {
      const list = async () =>
        (
          (await expectOk(s.call({ method: 'GET', url: '/v1/projects/default/clusters/web-2/events' }))).body
            .items as { spec: { reason: string; count: number } }[]
        ).map((e) => [e.spec.reason, e.spec.count]);
      await event('Cluster', 'web-2', 'default', 'Old', '2026-01-01T09:00:00Z');
      const scope = { tenant: 'default', projects: '*' as const };
      const [legacy] = (
        await s.store.list(scope, { kind: 'Event', project: 'default', labelSelector: [] })
      ).items.filter((e) => (e.spec as { reason: string }).reason === 'Old');
      assert.ok(legacy);
      await s.store.update(
        scope,
        {
          key: { kind: 'Event', tenant: 'default', project: 'default', name: legacy.metadata.name },
          labels: {},
        },
        { name: 'test' },
      );
      assert.deepEqual(await list(), [['Running', 1]], 'not found by label');
      await event('Cluster', 'web-2', 'default', 'Old', '2026-01-01T11:00:00Z');
      assert.deepEqual(await list(), [
        ['Old', 2],
        ['Running', 1],
      ]);
    });
  });
}
