/** Maintenance windows: where an instant is (open, closes at, next opening) across zones, midnight, DST, blackouts. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Maintenance } from '@strata/api';
import { maintenanceIssues, windowState } from './maintenance.js';

const berlinSat: Maintenance = {
  windows: [{ days: ['Sat'], start: '01:00', end: '05:00', timeZone: 'Europe/Berlin' }],
};
const iso = (d: Date | undefined) => d?.toISOString();

describe('maintenance window state', () => {
  const table: [string, Maintenance, string, boolean, string | undefined, string | undefined][] = [
    // name, windows, now, open, next, closesAt
    [
      'inside Sat 01:00–05:00 Berlin (CET, UTC+1)',
      berlinSat,
      '2026-12-05T00:30:00Z',
      true,
      undefined,
      '2026-12-05T04:00:00.000Z',
    ],
    [
      'Friday noon: the next is Saturday 01:00 Berlin',
      berlinSat,
      '2026-12-04T12:00:00Z',
      false,
      '2026-12-05T00:00:00.000Z',
      undefined,
    ],
    [
      'just after it closes: a week later',
      berlinSat,
      '2026-12-05T04:00:00Z',
      false,
      '2026-12-12T00:00:00.000Z',
      undefined,
    ],
    [
      'summer time (CEST, UTC+2)',
      berlinSat,
      '2026-07-03T12:00:00Z',
      false,
      '2026-07-03T23:00:00.000Z',
      undefined,
    ],
    [
      'the night the clocks go forward: 01:00 CET to 05:00 CEST is three hours',
      { windows: [{ days: ['Sun'], start: '01:00', end: '05:00', timeZone: 'Europe/Berlin' }] },
      '2026-03-29T01:30:00Z',
      true,
      undefined,
      '2026-03-29T03:00:00.000Z',
    ],
    [
      'a window over midnight belongs to the day it starts',
      { windows: [{ days: ['Fri'], start: '22:00', end: '02:00', timeZone: 'UTC' }] },
      '2026-12-05T01:00:00Z',
      true,
      undefined,
      '2026-12-05T02:00:00.000Z',
    ],
    [
      'a blackout skips a window',
      { ...berlinSat, blackouts: [{ from: '2026-12-05', to: '2026-12-06', timeZone: 'Europe/Berlin' }] },
      '2026-12-04T12:00:00Z',
      false,
      '2026-12-12T00:00:00.000Z',
      undefined,
    ],
    [
      'a blackout ending mid-window opens the rest of it',
      {
        windows: [{ days: ['Sat'], start: '22:00', end: '04:00', timeZone: 'UTC' }],
        blackouts: [{ from: '2026-12-05', to: '2026-12-05' }],
      },
      '2026-12-05T12:00:00Z',
      false,
      '2026-12-06T00:00:00.000Z',
      undefined,
    ],
    [
      'two windows: the sooner one',
      {
        windows: [
          berlinSat.windows[0]!,
          { days: ['Wed'], start: '20:00', end: '21:00', timeZone: 'America/New_York' },
        ],
      },
      '2026-12-01T12:00:00Z',
      false,
      '2026-12-03T01:00:00.000Z',
      undefined,
    ],
  ];
  for (const [name, m, now, open, next, closes] of table) {
    it(name, () => {
      const s = windowState(m, new Date(now));
      assert.equal(s.open, open);
      assert.equal(iso(s.next), next);
      assert.equal(iso(s.closesAt), closes);
    });
  }
});

describe('maintenance window problems', () => {
  const now = new Date('2026-12-01T00:00:00Z');
  const table: [string, Maintenance, string[]][] = [
    ['fine', berlinSat, []],
    [
      'an unknown time zone',
      { windows: [{ days: ['Sat'], start: '01:00', end: '05:00', timeZone: 'Mars/Olympus' }] },
      ['/m/windows/0/timeZone'],
    ],
    [
      'no length',
      { windows: [{ days: ['Sat'], start: '01:00', end: '01:00', timeZone: 'UTC' }] },
      ['/m/windows/0/end'],
    ],
    [
      'a blackout ending before it starts',
      { ...berlinSat, blackouts: [{ from: '2026-12-10', to: '2026-12-01' }] },
      ['/m/blackouts/0/to'],
    ],
    [
      'an impossible date',
      { ...berlinSat, blackouts: [{ from: '2026-02-30', to: '2026-03-01' }] },
      ['/m/blackouts/0/from'],
    ],
    [
      'blackouts over every window for a year',
      { ...berlinSat, blackouts: [{ from: '2026-11-01', to: '2028-01-01' }] },
      ['/m'],
    ],
  ];
  for (const [name, m, paths] of table) {
    it(name, () =>
      assert.deepEqual(
        maintenanceIssues(m, '/m', now).map((i) => i.path),
        paths,
      ),
    );
  }
});
