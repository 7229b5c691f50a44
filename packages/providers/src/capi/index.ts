export { CapiProvider, type CapiProviderOptions } from './capi-provider.js';

/**
 * What `capi-dev` (Cluster API's in-memory infrastructure) offers: its machines are simulated, so it takes any release;
 * Strata offers patches 0–15 of the minors 1.31–1.36.
 */
export const IN_MEMORY_KUBERNETES_VERSIONS: readonly string[] = [31, 32, 33, 34, 35, 36].flatMap((minor) =>
  Array.from({ length: 16 }, (_, patch) => `v1.${minor}.${patch}`),
);
