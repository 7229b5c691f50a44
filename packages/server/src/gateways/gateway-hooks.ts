/** Gateway writes: a gateway that clusters are assigned to cannot go (they would be stranded on it). */
import { StrataError } from '@strata/api';
import type { KindHooks } from '../resources/kind-hooks.js';
import { clustersOf } from './gateway-lookup.js';

/** Held until the gateway's controller released what it ran (the embedded management cluster, when it was the last). */
export const GATEWAY_FINALIZER = 'strata.dev/gateway';

export function gatewayHooks(): KindHooks {
  return {
    finalizers: [GATEWAY_FINALIZER],
    initialStatus: () => ({
      phase: 'Starting',
      message: 'waiting for the gateway controller',
      conditions: [],
    }),
    async guardDelete(ctx, previous) {
      const clusters = await clustersOf(ctx.store, previous);
      if (clusters.length === 0) return;
      const names = clusters.map((c) => `${c.metadata.project ?? ''}/${c.metadata.name}`);
      throw new StrataError(
        'STRATA_IN_USE',
        `gateway "${previous.metadata.name}" runs ${clusters.length} cluster(s): ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', …' : ''}; delete them first`,
      );
    },
  };
}
