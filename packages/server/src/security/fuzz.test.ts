import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testBackends } from '@strata/testing';
import { createUserWithRole, expectOk, startTestServer, type TestServer } from '../test/harness.js';
import { fuzzOperations, type FuzzPlan, type OpenApiDocument } from '../test/fuzz/fuzz-cases.js';
import { describeViolation, runFuzz } from '../test/fuzz/fuzz-run.js';
import { fuzzSeed } from '../test/fuzz/random.js';

/**
 * The seeded fuzzer over every route (security regression suite). Replay a run with STRATA_FUZZ_SEED=<seed>
 * (printed at the start); STRATA_FUZZ_INPUTS changes the number of inputs per backend (default 5,000).
 */
const seed = fuzzSeed();
const inputs = Number(process.env.STRATA_FUZZ_INPUTS ?? 5000);
console.log(
  `security fuzzer: seed ${seed} (replay with STRATA_FUZZ_SEED=${seed}), ${inputs} inputs per backend`,
);

for (const backend of await testBackends()) {
  describe(`security fuzzer on ${backend.name}`, () => {
    let s: TestServer;
    let plan: FuzzPlan;
    before(async () => {
      s = await startTestServer(backend);
      await expectOk(
        s.call({ method: 'POST', url: '/v1/projects', body: { metadata: { name: 'fz-a' }, spec: {} } }),
      );
      const editor = await createUserWithRole(s, {
        user: 'fz-editor',
        role: 'project-editor',
        project: 'default',
      });
      const viewer = await createUserWithRole(s, {
        user: 'fz-viewer',
        role: 'project-viewer',
        project: 'fz-a',
      });
      const nobody = await createUserWithRole(s, {
        user: 'fz-nobody',
        role: 'project-viewer',
        project: 'default',
      });
      await expectOk(
        s.call({ method: 'DELETE', url: '/v1/projects/default/rolebindings/fz-nobody-project-viewer' }),
      );
      const document = (await expectOk(s.call({ method: 'GET', url: '/v1/openapi.json' }))).body;
      plan = {
        document: document as unknown as OpenApiDocument,
        operations: fuzzOperations(document as unknown as OpenApiDocument, s.routes),
        callers: [
          { name: 'admin', weight: 8, authorization: `Bearer ${s.adminKey}` },
          { name: 'project-editor', weight: 3, authorization: `Bearer ${editor}` },
          { name: 'project-viewer', weight: 3, authorization: `Bearer ${viewer}` },
          { name: 'user without roles', weight: 2, authorization: `Bearer ${nobody}` },
          { name: 'anonymous', weight: 1 },
          { name: 'forged key', weight: 1, authorization: 'Bearer stk.default.bootstrap-admin.AAAA' },
          {
            name: 'basic auth',
            weight: 1,
            authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}`,
          },
        ],
        // Not 'default' or 'admin': deleting the callers' own tenant or user would turn the rest of the run into 401s.
        names: ['fz-a', 'fz-b', 'project-viewer'],
        projects: ['default', 'fz-a', 'nowhere'],
        versions: ['1.0.0', '0.1.0', '2.0.0'],
      };
    });
    after(async () => s?.close());

    it(`${inputs} seeded inputs over every route: no 5xx, no stall > 200 ms, refused writes store nothing, every 4xx is problem+json`, async (t) => {
      t.diagnostic(`seed ${seed}`);
      const documented = plan.operations.filter((o) => o.inDocument).length;
      assert.ok(
        documented >= 150,
        `the OpenAPI document describes ${documented} of ${plan.operations.length} routes`,
      );
      const started = Date.now();
      const report = await runFuzz(s, plan, { seed, inputs });
      const elapsed = Date.now() - started;
      t.diagnostic(
        `${inputs} inputs in ${elapsed} ms; statuses ${JSON.stringify(Object.fromEntries(report.statuses))}; ` +
          `slowest block ${Math.round(report.slowest.blockedMs)} ms (${report.slowest.request.method} ${report.slowest.request.route})`,
      );
      const costly = [...report.msPerRoute].sort((a, b) => b[1] - a[1]).slice(0, 5);
      t.diagnostic(`most time: ${costly.map(([r, ms]) => `${r} ${Math.round(ms)} ms`).join(', ')}`);
      const missed = plan.operations.filter((o) => !report.perRoute.has(`${o.method} ${o.route}`));
      assert.deepEqual(
        missed.map((o) => `${o.method} ${o.route}`),
        [],
        'every route got inputs',
      );
      // The server process is the test process: a polluted prototype would show here.
      assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype is untouched');
      assert.equal((await s.call({ method: 'GET', url: '/healthz', key: null })).status, 200, 'still alive');
      const lines = report.violations.map(describeViolation);
      const byProperty = new Map<string, number>();
      for (const v of report.violations) byProperty.set(v.property, (byProperty.get(v.property) ?? 0) + 1);
      assert.equal(
        report.violations.length,
        0,
        `seed ${seed}: ${lines.length} violations ${JSON.stringify(Object.fromEntries(byProperty))} ` +
          `(replay with STRATA_FUZZ_SEED=${seed}):\n${lines.slice(0, 40).join('\n')}`,
      );
    });
  });
}
