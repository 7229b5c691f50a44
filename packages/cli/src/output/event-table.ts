import type { Resource } from '@strata/api';
import { formatAge } from './age.js';
import { renderTable } from './table.js';

/** Events as a table: LAST SEEN (age), TYPE, REASON, COUNT, MESSAGE (one line), in the order given. */
export function eventTable(events: readonly Resource[], now: Date): string {
  if (events.length === 0) return '';
  const text = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');
  return renderTable({
    headers: ['LAST SEEN', 'TYPE', 'REASON', 'COUNT', 'MESSAGE'],
    rows: events.map((e) => [
      formatAge(text(e.spec.lastSeen) || undefined, now),
      text(e.spec.type),
      text(e.spec.reason),
      text(e.spec.count),
      text(e.spec.message).replace(/\s*\n\s*/g, ' '),
    ]),
  });
}
