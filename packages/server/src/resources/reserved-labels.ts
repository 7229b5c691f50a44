import { jsonPointerSegment, validationError, type Issue } from '@strata/api';
import type { Principal } from '../auth/principal.js';

/** Labels under `strata.dev/` (or a subdomain of it, `x.strata.dev/`) belong to the platform. */
export function isReservedLabel(key: string): boolean {
  const slash = key.indexOf('/');
  if (slash < 0) return false;
  const prefix = key.slice(0, slash);
  return prefix === 'strata.dev' || prefix.endsWith('.strata.dev');
}

/**
 * The labels to store for a write by `principal`. Users may not add or change a platform label (`strata.dev/builtin`
 * would make their Pack look built-in and undeletable): that is a 422 naming the label. The ones the stored object
 * carries are kept even when the request leaves them out, like platform finalizers, so users cannot remove them.
 * Platform principals write labels as given.
 */
export function guardReservedLabels(
  principal: Principal,
  labels: Readonly<Record<string, string>> | undefined,
  stored: Readonly<Record<string, string>> | undefined,
): Record<string, string> {
  const next = { ...labels };
  if (principal.type === 'system') return next;
  const issues: Issue[] = [];
  for (const [key, value] of Object.entries(next)) {
    if (!isReservedLabel(key) || stored?.[key] === value) continue;
    issues.push({
      path: `/metadata/labels/${jsonPointerSegment(key)}`,
      message: `labels under strata.dev/ are set by the platform only; "${key}" cannot be ${
        stored?.[key] === undefined ? 'added' : 'changed'
      }`,
    });
  }
  if (issues.length > 0) throw validationError(issues);
  for (const [key, value] of Object.entries(stored ?? {})) if (isReservedLabel(key)) next[key] = value;
  return next;
}
