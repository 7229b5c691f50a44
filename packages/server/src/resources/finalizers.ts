import type { Resource } from '@strata/api';
import type { KindHooks } from './kind-hooks.js';

/** The client's finalizers plus the platform-owned ones the stored object still carries. */
export function keepOwnedFinalizers(
  requested: readonly string[],
  previous: Resource,
  hooks: KindHooks | undefined,
): string[] {
  const owned = (previous.metadata.finalizers ?? []).filter((f) => hooks?.finalizers?.includes(f));
  return [...new Set([...requested, ...owned])];
}
