import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileSafeRegex } from './safe-regex.js';

describe('compileSafeRegex', () => {
  const cases: {
    name: string;
    pattern: string;
    full?: [string, boolean][];
    anywhere?: [string, boolean][];
  }[] = [
    {
      name: 'class and bound',
      pattern: '[a-z]{1,3}',
      full: [
        ['abc', true],
        ['abcd', false],
      ],
    },
    {
      name: 'alternation matches in full',
      pattern: 'a|ab',
      full: [
        ['ab', true],
        ['b', false],
      ],
    },
    {
      name: 'search anywhere',
      pattern: 'b+',
      anywhere: [
        ['abba', true],
        ['aaa', false],
      ],
    },
    {
      name: 'escapes \\d \\w \\s',
      pattern: '\\d+\\s\\w',
      full: [
        ['12 x', true],
        ['x 1', false],
      ],
    },
    { name: 'named group', pattern: '(?<year>\\d{4})-\\d{2}', full: [['2024-01', true]] },
    {
      name: 'ECMAScript \\u escape',
      pattern: '\\u0041[\\u0061-\\u0063]',
      full: [
        ['Ab', true],
        ['Ad', false],
      ],
    },
    { name: 'ECMAScript \\u{} escape', pattern: '\\u{1F600}', full: [['😀', true]] },
    { name: 'escaped backslash before u', pattern: '\\\\u0041', full: [['\\u0041', true]] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = compileSafeRegex(c.pattern);
      assert.ok('regex' in r, JSON.stringify(r));
      for (const [text, want] of c.full ?? []) assert.equal(r.regex.testFull(text), want, text);
      for (const [text, want] of c.anywhere ?? []) assert.equal(r.regex.test(text), want, text);
    });
  }

  const refused: { name: string; pattern: string; expect: RegExp }[] = [
    { name: 'lookahead', pattern: 'a(?=b)', expect: /linear-time engine cannot run: lookahead$/ },
    { name: 'negative lookahead', pattern: '(?!x)a', expect: /cannot run: lookahead$/ },
    { name: 'lookbehind', pattern: '(?<=a)b', expect: /cannot run: lookbehind$/ },
    { name: 'negative lookbehind', pattern: '(?<!a)b', expect: /cannot run: lookbehind$/ },
    { name: 'numbered backreference', pattern: '(a)\\1', expect: /cannot run: backreference$/ },
    { name: 'named backreference', pattern: '(?<n>a)\\k<n>', expect: /cannot run: backreference$/ },
    { name: 'syntax error', pattern: 'a)|(b', expect: /^is not a valid regular expression: unexpected \)/ },
    { name: 'too long', pattern: 'a'.repeat(1025), expect: /longer than 1024/ },
  ];
  for (const c of refused) {
    it(`refuses ${c.name}`, () => {
      const r = compileSafeRegex(c.pattern);
      assert.ok('error' in r);
      assert.match(r.error, c.expect);
    });
  }

  it('runs a catastrophic-backtracking pattern in linear time', () => {
    const r = compileSafeRegex('(a+)+b');
    assert.ok('regex' in r);
    const started = performance.now();
    assert.equal(r.regex.testFull('a'.repeat(100_000)), false);
    assert.equal(r.regex.test(`${'a'.repeat(100_000)}c`), false);
    assert.ok(performance.now() - started < 200, 'matching (a+)+b took longer than 200 ms');
  });
});
