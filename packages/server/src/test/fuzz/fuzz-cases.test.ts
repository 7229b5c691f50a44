import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fuzzOperations, fuzzRequest, type FuzzPlan, type OpenApiDocument } from './fuzz-cases.js';
import { Random, fuzzSeed } from './random.js';
import { validValue, type JsonSchema } from './schema-values.js';

const macro: JsonSchema = {
  type: 'object',
  required: ['metadata', 'spec'],
  properties: {
    metadata: {
      type: 'object',
      required: ['name'],
      properties: { name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 } },
      additionalProperties: false,
    },
    spec: {
      type: 'object',
      required: ['value', 'count'],
      properties: {
        value: { type: 'string', maxLength: 10 },
        count: { type: 'integer', minimum: 1, maximum: 5 },
        mode: { type: 'string', enum: ['a', 'b'] },
      },
    },
  },
};

const document: OpenApiDocument = {
  paths: {
    '/v1/macros': {
      get: { parameters: [{ name: 'limit', in: 'query', schema: { type: 'string' } }] },
      post: {
        requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Macro' } } } },
      },
    },
    '/v1/macros/{name}': {
      put: {
        requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Macro' } } } },
      },
    },
  },
  components: { schemas: { Macro: macro } },
};

const routes = [
  { method: 'GET', url: '/v1/macros' },
  { method: 'POST', url: '/v1/macros' },
  { method: 'PUT', url: '/v1/macros/:name' },
  { method: 'PATCH', url: '/v1/macros/:name' },
  { method: 'GET', url: '/healthz' },
];

const plan: FuzzPlan = {
  document,
  operations: fuzzOperations(document, routes),
  callers: [
    { name: 'admin', weight: 1, authorization: 'Bearer k' },
    { name: 'anonymous', weight: 1 },
  ],
  names: ['fz-a', 'fz-b'],
  projects: ['default'],
  versions: ['1.0.0'],
};

describe('fuzz request generator', () => {
  it('the same seed and case give the same request; another seed gives other requests', () => {
    const a = Array.from({ length: 50 }, (_, i) => fuzzRequest(plan, 7, i));
    const b = Array.from({ length: 50 }, (_, i) => fuzzRequest(plan, 7, i));
    const c = Array.from({ length: 50 }, (_, i) => fuzzRequest(plan, 8, i));
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  it('covers every route round-robin, including routes missing from the document', () => {
    const seen = new Set(
      Array.from({ length: routes.length }, (_, i) => fuzzRequest(plan, 1, i)).map(
        (r) => `${r.method} ${r.route}`,
      ),
    );
    assert.equal(seen.size, routes.length);
    const healthz = plan.operations.find((o) => o.route === '/healthz')!;
    assert.equal(healthz.inDocument, false);
    const patch = plan.operations.find((o) => o.method === 'PATCH')!;
    assert.ok(patch.body, 'a merge patch borrows the schema of the PUT of the same path');
  });

  it('valid values satisfy the schema: required fields, patterns, enums, bounds', () => {
    const resolve = () => undefined;
    for (let i = 0; i < 200; i++) {
      const v = validValue(macro, { rnd: new Random(i), resolve, names: ['fz-a'] }) as {
        metadata: { name: string };
        spec: { value: string; count: number; mode?: string };
      };
      assert.equal(v.metadata.name, 'fz-a');
      assert.ok(v.spec.value.length <= 10);
      assert.ok(Number.isInteger(v.spec.count) && v.spec.count >= 1 && v.spec.count <= 5);
      if (v.spec.mode !== undefined) assert.ok(['a', 'b'].includes(v.spec.mode));
    }
  });

  it('mixes the mutations the suite promises over a few thousand cases', () => {
    const notes = Array.from({ length: 3000 }, (_, i) => fuzzRequest(plan, 3, i)).map(
      (r) => `${r.mutation} ${r.headers['content-type'] ?? 'no-content-type'} ${r.url}`,
    );
    const expected = [
      /wrong type/,
      /boundary size/,
      /deep nesting/,
      /huge array/,
      /nasty string/,
      /unknown query/,
      /path name=%00|path name=a%00b/,
      /body malformed JSON/,
      /merge key/,
      /anchor and alias/,
      /alias fan-out/,
      /content-type "/,
      /application\/merge-patch\+json/,
    ];
    for (const re of expected)
      assert.ok(
        notes.some((n) => re.test(n)),
        `some case matches ${re}`,
      );
    const bodies = Array.from({ length: 3000 }, (_, i) => fuzzRequest(plan, 3, i).payload ?? '');
    assert.ok(
      bodies.every((b) => Buffer.byteLength(b) < 1024 * 1024),
      'bodies stay within the 1 MiB limit',
    );
    assert.ok(
      bodies.some((b) => Buffer.byteLength(b) > 200_000),
      'some bodies are large',
    );
  });

  it('never opens a watch stream or a long poll', () => {
    const urls = Array.from({ length: 3000 }, (_, i) => fuzzRequest(plan, 4, i).url);
    assert.ok(!urls.some((u) => /[?&]watch=(true|1)(&|$)/.test(u)));
  });

  it('reads a seed from STRATA_FUZZ_SEED and refuses a bad one', () => {
    assert.equal(fuzzSeed({ STRATA_FUZZ_SEED: '1234' }), 1234);
    assert.throws(() => fuzzSeed({ STRATA_FUZZ_SEED: 'abc' }), /STRATA_FUZZ_SEED/);
    const fresh = fuzzSeed({});
    assert.ok(Number.isInteger(fresh) && fresh >= 0);
  });
});
