import { createHash } from 'node:crypto';
import type { ResourceRepository } from '@strata/store';

export interface EventInput {
  tenant: string;
  involvedObject: { kind: string; name: string; project?: string };
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  source: string;
  now?: Date;
}

/** Labels every Event carries, so the events of one object are one indexed query (`GET .../clusters/NAME/events`). */
export const INVOLVED_KIND_LABEL = 'strata.dev/involved-kind';
export const INVOLVED_NAME_LABEL = 'strata.dev/involved-name';

/** The label selector of the events of one object. */
export function involvedSelector(kind: string, name: string) {
  return [
    { key: INVOLVED_KIND_LABEL, op: '=' as const, value: kind },
    { key: INVOLVED_NAME_LABEL, op: '=' as const, value: name },
  ];
}

/**
 * Records an Event for an object. Repeats of the same reason and message on the same object are one Event with a
 * growing count (like Kubernetes), so a failing retry loop does not flood the store.
 */
export async function recordEvent(store: ResourceRepository, e: EventInput): Promise<void> {
  const project = e.involvedObject.project ?? '';
  const scope = { tenant: e.tenant, projects: '*' as const };
  const digest = createHash('sha256')
    .update(`${e.involvedObject.kind}/${e.involvedObject.name}/${e.reason}/${e.message}`)
    .digest('hex')
    .slice(0, 10);
  const name = `${e.involvedObject.name.slice(0, 40)}-${e.reason
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .slice(0, 10)}-${digest}`;
  const key = { kind: 'Event', tenant: e.tenant, project, name };
  const now = (e.now ?? new Date()).toISOString();
  const labels = {
    [INVOLVED_KIND_LABEL]: e.involvedObject.kind,
    [INVOLVED_NAME_LABEL]: e.involvedObject.name,
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    const existing = await store.get(scope, key);
    try {
      if (!existing) {
        await store.create(
          scope,
          {
            key,
            labels,
            spec: {
              involvedObject: e.involvedObject,
              type: e.type,
              reason: e.reason,
              message: e.message,
              count: 1,
              firstSeen: now,
              lastSeen: now,
              source: e.source,
            },
          },
          { name: e.source },
        );
      } else {
        const count = typeof existing.spec.count === 'number' ? existing.spec.count + 1 : 1;
        await store.update(
          scope,
          {
            key,
            expectedResourceVersion: existing.metadata.resourceVersion,
            // Labels too: an Event recorded before they existed gets them at its next repeat.
            labels: { ...existing.metadata.labels, ...labels },
            spec: { ...existing.spec, count, lastSeen: now },
          },
          { name: e.source },
        );
      }
      return;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code !== 'STRATA_CONFLICT' && code !== 'STRATA_ALREADY_EXISTS') throw err;
    }
  }
}
