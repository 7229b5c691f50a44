import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { parseDurationMs } from './duration.js';

describe('parseDurationMs', () => {
  const rows: [string, number][] = [
    ['60s', 60_000],
    ['2m', 120_000],
    ['1h30m', 5_400_000],
    ['500ms', 500],
    ['1.5s', 1500],
    ['45', 45_000],
  ];
  for (const [given, expect] of rows) it(given, () => assert.equal(parseDurationMs(given), expect));
  for (const bad of ['', 'soon', '10x', '5s and more', '-1s'])
    it(`rejects "${bad}"`, () => assert.throws(() => parseDurationMs(bad), /invalid duration/));
});
