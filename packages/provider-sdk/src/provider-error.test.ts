import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StrataError } from '@strata/api';
import {
  ProviderError,
  classifyProviderError,
  transient,
  unsupported,
  type ErrorClass,
} from './provider-error.js';

const rows: {
  name: string;
  given: unknown;
  expect: { class: ErrorClass; code?: string; status?: number };
}[] = [
  {
    name: 'unsupported() is terminal with STRATA_PROVIDER_UNSUPPORTED (422)',
    given: unsupported('Kubernetes v1.0.0 is unavailable'),
    expect: { class: 'terminal', code: 'STRATA_PROVIDER_UNSUPPORTED', status: 422 },
  },
  {
    name: 'transient() is retriable with STRATA_PROVIDER_FAILED (502)',
    given: transient('API server not reachable yet'),
    expect: { class: 'transient', code: 'STRATA_PROVIDER_FAILED', status: 502 },
  },
  {
    name: 'an explicit retriable flag wins over the catalogue',
    given: new ProviderError({ code: 'STRATA_VALIDATION_FAILED', message: 'x', retriable: true }),
    expect: { class: 'transient', code: 'STRATA_VALIDATION_FAILED', status: 422 },
  },
  {
    name: 'a StrataError follows the catalogue',
    given: new StrataError('STRATA_VALIDATION_FAILED', 'bad'),
    expect: { class: 'terminal', code: 'STRATA_VALIDATION_FAILED' },
  },
  {
    name: 'an unknown error is transient (bounded retries)',
    given: new Error('ECONNRESET'),
    expect: { class: 'transient' },
  },
];

describe('classifyProviderError', () => {
  for (const row of rows) {
    it(row.name, () => {
      assert.equal(classifyProviderError(row.given), row.expect.class);
      if (row.expect.code) assert.equal((row.given as StrataError).code, row.expect.code);
      if (row.expect.status) assert.equal((row.given as StrataError).status, row.expect.status);
    });
  }
  it('a ProviderError renders as problem+json with its issues', () => {
    const err = unsupported('no', [{ path: '/spec/kubernetesVersion', message: 'unavailable' }]);
    assert.equal(err.toProblem().code, 'STRATA_PROVIDER_UNSUPPORTED');
    assert.deepEqual(err.toProblem().issues, [{ path: '/spec/kubernetesVersion', message: 'unavailable' }]);
    assert.ok(err instanceof StrataError);
    assert.equal(
      new ProviderError({ code: 'STRATA_VALIDATION_FAILED', message: 'x', retriable: true }).toProblem()
        .retriable,
      true,
    );
  });
});
