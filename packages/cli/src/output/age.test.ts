import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { formatAge } from './age.js';

describe('formatAge', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000).toISOString();
  const rows: { name: string; given: string | undefined; expect: string }[] = [
    { name: 'seconds', given: ago(45), expect: '45s' },
    { name: 'minutes and seconds under 10m', given: ago(200), expect: '3m20s' },
    { name: 'whole minutes', given: ago(17 * 60 + 5), expect: '17m' },
    { name: 'hours and minutes under 8h', given: ago(5 * 3600 + 3 * 60), expect: '5h3m' },
    { name: 'hours under 2d', given: ago(20 * 3600), expect: '20h' },
    { name: 'days and hours', given: ago(3 * 86400 + 4 * 3600), expect: '3d4h' },
    { name: 'days', given: ago(30 * 86400), expect: '30d' },
    { name: 'years', given: ago(800 * 86400), expect: '2y' },
    { name: 'future timestamps clamp to 0s', given: ago(-10), expect: '0s' },
    { name: 'missing', given: undefined, expect: '<unknown>' },
    { name: 'unparseable', given: 'yesterday', expect: '<unknown>' },
  ];
  for (const row of rows) it(row.name, () => assert.equal(formatAge(row.given, now), row.expect));
});
