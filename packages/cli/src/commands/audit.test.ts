import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csvField, sinceTime } from './audit.js';

const NOW = Date.parse('2026-06-01T12:00:00Z');

describe('strata audit export --since', () => {
  for (const [given, expect] of [
    ['30m', '2026-06-01T11:30:00.000Z'],
    ['24h', '2026-05-31T12:00:00.000Z'],
    ['7d', '2026-05-25T12:00:00.000Z'],
    ['2026-01-01T00:00:00Z', '2026-01-01T00:00:00.000Z'],
  ] as const) {
    it(`${given} → ${expect}`, () => assert.equal(sinceTime(given, NOW).toISOString(), expect));
  }
  for (const bad of ['yesterday', '2026-13-45T00:00:00Z', '-1h']) {
    it(`refuses ${bad}`, () => assert.throws(() => sinceTime(bad, NOW)));
  }
});

describe('CSV fields', () => {
  for (const [given, expect] of [
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['line\nbreak', '"line\nbreak"'],
    ['=HYPERLINK("x")', `"'=HYPERLINK(""x"")"`],
    ['+1', "'+1"],
    ['@sum', "'@sum"],
  ] as const) {
    it(JSON.stringify(given), () => assert.equal(csvField(given), expect));
  }
});
