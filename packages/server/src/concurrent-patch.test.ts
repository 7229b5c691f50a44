import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testBackends } from '@strata/testing';
import { expectOk, startTestServer, type TestServer } from './test/harness.js';

for (const backend of await testBackends()) {
  describe(`concurrent merge patches (${backend.name})`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(backend);
      await expectOk(
        s.call({
          method: 'POST',
          url: '/v1/macros',
          body: { metadata: { name: 'm' }, spec: { value: 'v' } },
        }),
      );
    });
    after(() => s.close());

    it('50 unconditional patches of different fields all land (none answers 409)', async () => {
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          s.call({
            method: 'PATCH',
            url: '/v1/macros/m',
            contentType: 'application/merge-patch+json',
            body: { metadata: { labels: { [`f${i}`]: 'set' } } },
          }),
        ),
      );
      assert.deepEqual(
        results.map((r) => r.status),
        results.map(() => 200),
        results.find((r) => r.status !== 200)?.text,
      );
      const got = await expectOk(s.call({ method: 'GET', url: '/v1/macros/m' }));
      const labels = (got.body.metadata as { labels: Record<string, string> }).labels;
      for (let i = 0; i < 50; i++) assert.equal(labels[`f${i}`], 'set', `field f${i} was lost`);
    });

    it('a patch with an explicit stale resourceVersion still answers 409', async () => {
      const res = await s.call({
        method: 'PATCH',
        url: '/v1/macros/m',
        contentType: 'application/merge-patch+json',
        body: { metadata: { resourceVersion: '1', labels: { late: 'x' } } },
      });
      assert.equal(res.status, 409, res.text);
    });
  });
}
