import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { parseYaml } from './load-yaml.js';
import { parseSimpleYaml } from './simple-yaml.js';

const GOOD = [
  'a',
  'hello world',
  'yes',
  'off',
  'y',
  'true',
  '~',
  '1',
  '0',
  '-1',
  '1.5',
  '10.42.0.0/16',
  '1.36.3',
  '500m',
  'http://x:8080/p',
  'a#b',
  'a #c',
  "'it''s'",
  '"esc \\n"',
  '--flag',
  'v # comment',
  '0777',
  '+5',
  '.5',
];
const SCALARS = [
  'a',
  'hello world',
  'yes',
  'no',
  'On',
  'off',
  'y',
  'N',
  'true',
  'False',
  '~',
  'null',
  'Null',
  '',
  '1',
  '0',
  '-1',
  '+5',
  '-0',
  '0777',
  '1.5',
  '.5',
  '1.',
  '1e3',
  '0x1F',
  '0o17',
  '.inf',
  '-.Inf',
  '.nan',
  '10.42.0.0/16',
  '1.36.3',
  '500m',
  '16Gi',
  'http://x:8080/p',
  'a#b',
  'a #c',
  "'single'",
  "'it''s'",
  '"double"',
  '"esc \\n \\" \\u00e9"',
  '"bad \\x41"',
  '"unterminated',
  "'open",
  'a: b',
  'x:',
  '- a',
  '--flag',
  '-x',
  '[1, 2]',
  '{a: 1}',
  '&anc v',
  '*ref',
  '!tag v',
  '| ',
  '> ',
  '@x',
  '`x',
  '%x',
  '? x',
  'é',
  '9007199254740993',
  '12345678901234567890',
  '"a" #c',
  "'a'#c",
  '"a"x',
  'v # comment',
];
const KEYS = [
  'a',
  'b',
  'c.d',
  'e/f',
  'g-h',
  '_i',
  'on',
  'y',
  'true',
  '1',
  'null',
  '"q"',
  'a b',
  '__proto__',
  '<<',
];

function generate(rand: () => number, depth: number, indent: number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  const n = 1 + Math.floor(rand() * 4);
  const seq = rand() < 0.25;
  for (let i = 0; i < n; i++) {
    if (rand() < 0.1) lines.push(rand() < 0.5 ? '' : `${pad}# comment ${i}`);
    if (seq) {
      lines.push(`${pad}- ${rand() < 0.9 ? pick(GOOD) : pick(SCALARS)}`);
      continue;
    }
    const key = rand() < 0.9 ? pick(KEYS.slice(0, 6)) : pick(KEYS);
    const r = rand();
    if (depth > 0 && r < 0.3) {
      const step = pick([2, 2, 4, 1]);
      const sameIndentSeq = rand() < 0.2;
      lines.push(`${pad}${key}:${rand() < 0.2 ? ' # c' : ''}`);
      lines.push(sameIndentSeq ? `${pad}- ${pick(SCALARS)}` : generate(rand, depth - 1, indent + step));
    } else if (r < 0.35) lines.push(`${pad}${key}:`);
    else lines.push(`${pad}${key}: ${rand() < 0.9 ? pick(GOOD) : pick(SCALARS)}`);
  }
  if (rand() < 0.05) lines.push(`${pad}  continuation`);
  return lines.join('\n');
}

describe('parseSimpleYaml (fast path) against the full parser', () => {
  it('gives exactly what the full parser gives whenever it accepts a text', () => {
    let seed = 3;
    const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    let accepted = 0;
    for (let n = 0; n < 6000; n++) {
      const text = `${generate(rand, 3, rand() < 0.1 ? 2 : 0)}\n`;
      for (const helm of [true, false]) {
        const fast = parseSimpleYaml(text, helm);
        if (!fast) continue;
        accepted++;
        const docs = parseAllDocuments(
          text,
          helm
            ? {
                customTags: (tags) => [
                  {
                    tag: 'tag:yaml.org,2002:bool',
                    default: true,
                    test: /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|true|True|TRUE|false|False|FALSE)$/,
                    resolve: (s: string) => /^(?:y|yes|on|true)$/i.test(s),
                  },
                  ...tags,
                ],
              }
            : {},
        );
        const list = Array.isArray(docs) ? docs : [];
        assert.ok(
          list.every((d) => d.errors.length === 0),
          `full parser rejects what the fast path accepted:\n${text}`,
        );
        const full: unknown = list[0]?.toJS() ?? null;
        assert.deepEqual(fast.value, full, `different result for:\n${text}`);
      }
    }
    assert.ok(accepted > 2000, `the fast path takes most simple texts (${accepted})`);
  });

  const cases: { name: string; given: string; expect: unknown }[] = [
    {
      name: 'nested maps and a sequence at the key indent',
      given: 'a:\n  b: 1\nl:\n- x\n- w\nz: on\n',
      expect: { a: { b: 1 }, l: ['x', 'w'], z: true },
    },
    {
      name: 'comments and quoted strings',
      given: "# top\na: 'it''s' # c\nb: \"x\\ty\"\n",
      expect: { a: "it's", b: 'x\ty' },
    },
    { name: 'flow map falls back to the full parser', given: 'a: {b: 1}\n', expect: { a: { b: 1 } } },
    { name: 'block scalar falls back', given: 'a: |\n  x\n  y\n', expect: { a: 'x\ny\n' } },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(parseYaml(c.given).documents[0], c.expect));
});
