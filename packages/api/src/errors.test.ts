import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ErrorCatalogue, StrataError, type ErrorCode } from './errors.js';

const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');

describe('error catalogue', () => {
  it('docs/errors.md lists every code with its HTTP status and retriability, and nothing else', () => {
    const rows = new Map<string, { status: number; retriable: boolean }>();
    for (const m of doc.matchAll(/^\| `(STRATA_[A-Z0-9_]+)` \| (\d{3}) \| (yes|no) \|/gm)) {
      rows.set(m[1]!, { status: Number(m[2]), retriable: m[3] === 'yes' });
    }
    for (const [code, spec] of Object.entries(ErrorCatalogue)) {
      const row = rows.get(code);
      assert.ok(row, `${code} is missing from docs/errors.md`);
      assert.equal(row.status, spec.status, `${code}: status differs between code and docs`);
      assert.equal(row.retriable, spec.retriable, `${code}: retriable differs between code and docs`);
    }
    for (const code of rows.keys())
      assert.ok(code in ErrorCatalogue, `docs/errors.md lists ${code}, which the code does not have`);
  });

  it('renders RFC 9457 problems with every issue, and reads them back', () => {
    const err = new StrataError('STRATA_VALIDATION_FAILED', 'two problems', [
      { path: '/a', message: 'x' },
      { path: '/b', message: 'y' },
    ]);
    const p = err.toProblem('/v1/things');
    assert.deepEqual(
      { status: p.status, code: p.code, type: p.type, issues: p.issues?.length, instance: p.instance },
      {
        status: 422,
        code: 'STRATA_VALIDATION_FAILED',
        type: 'https://strata.dev/errors/STRATA_VALIDATION_FAILED',
        issues: 2,
        instance: '/v1/things',
      },
    );
    const back = StrataError.fromProblem(p);
    assert.equal(back.code, 'STRATA_VALIDATION_FAILED');
    assert.equal(back.issues.length, 2);
    const unknown = StrataError.fromProblem({ ...p, code: 'NOPE' as ErrorCode });
    assert.equal(unknown.code, 'STRATA_INTERNAL');
  });
});
