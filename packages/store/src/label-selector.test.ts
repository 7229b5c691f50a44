import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StrataError } from '@strata/api';
import { formatLabelSelector, matchesLabelSelector, parseLabelSelector } from './label-selector.js';

describe('parseLabelSelector', () => {
  const valid: { name: string; given: string; expect: ReturnType<typeof parseLabelSelector> }[] = [
    { name: 'empty', given: '  ', expect: [] },
    { name: 'equality', given: 'env=prod', expect: [{ key: 'env', op: '=', value: 'prod' }] },
    { name: 'double equals', given: 'env==prod', expect: [{ key: 'env', op: '=', value: 'prod' }] },
    { name: 'inequality', given: 'tier!=web', expect: [{ key: 'tier', op: '!=', value: 'web' }] },
    {
      name: 'set in',
      given: 'region in (eu, us)',
      expect: [{ key: 'region', op: 'in', values: ['eu', 'us'] }],
    },
    { name: 'set notin', given: 'zone notin (a)', expect: [{ key: 'zone', op: 'notin', values: ['a'] }] },
    { name: 'exists', given: 'team', expect: [{ key: 'team', op: 'exists' }] },
    { name: 'not exists', given: '!legacy', expect: [{ key: 'legacy', op: '!exists' }] },
    {
      name: 'prefixed key',
      given: 'strata.dev/owner=me',
      expect: [{ key: 'strata.dev/owner', op: '=', value: 'me' }],
    },
    { name: 'empty value', given: 'env=', expect: [{ key: 'env', op: '=', value: '' }] },
    {
      name: 'combined',
      given: 'env=prod, region in (a,b),!legacy,team',
      expect: [
        { key: 'env', op: '=', value: 'prod' },
        { key: 'region', op: 'in', values: ['a', 'b'] },
        { key: 'legacy', op: '!exists' },
        { key: 'team', op: 'exists' },
      ],
    },
  ];
  for (const row of valid) {
    it(`parses ${row.name}`, () => assert.deepEqual(parseLabelSelector(row.given), row.expect));
  }

  const invalid = [
    'env=prod,',
    'region in (a,b',
    'region in ()',
    'a=b=c',
    'bad key=1',
    'env=pr od',
    '-env=x',
    'env=x)',
    'env in (a,(b))',
    'x=' + 'v'.repeat(64),
  ];
  for (const given of invalid) {
    it(`rejects ${JSON.stringify(given)} with STRATA_BAD_REQUEST at /labelSelector`, () => {
      assert.throws(
        () => parseLabelSelector(given),
        (err: unknown) =>
          err instanceof StrataError &&
          err.code === 'STRATA_BAD_REQUEST' &&
          err.issues[0]?.path === '/labelSelector',
      );
    });
  }

  it('round-trips through formatLabelSelector', () => {
    const text = 'env=prod,tier!=web,region in (a,b),zone notin (c),team,!legacy';
    assert.equal(formatLabelSelector(parseLabelSelector(text)), text);
  });
});

describe('matchesLabelSelector', () => {
  const labels = { env: 'prod', region: 'eu' };
  const rows: [string, boolean][] = [
    ['env=prod', true],
    ['env=dev', false],
    ['env!=dev', true],
    ['missing!=x', true],
    ['region in (eu,us)', true],
    ['region notin (eu)', false],
    ['missing notin (eu)', true],
    ['env', true],
    ['!env', false],
    ['!missing', true],
  ];
  for (const [selector, expected] of rows) {
    it(`${selector} → ${expected}`, () =>
      assert.equal(matchesLabelSelector(labels, parseLabelSelector(selector)), expected));
  }
});
