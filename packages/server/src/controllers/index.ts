import type { EgressPolicy } from '@strata/core';
import type { DatabaseHandle, KyselyResourceRepository } from '@strata/store';
import { LeaseRepository } from '@strata/store';
import {
  DatabaseKeyLeases,
  realClock,
  startController,
  type Controller,
  type RunningController,
} from '../controller-runtime/index.js';
import type { SecretCipher } from '../resources/secret-fields.js';
import { PackSourceController } from './pack-source/pack-source-controller.js';
import { ClusterController, type ClusterControllerOptions } from './cluster/cluster-controller.js';
import { RolloutController, type RolloutControllerOptions } from './rollout/rollout-controller.js';
import { GatewayController, type GatewayControllerOptions } from './gateway/gateway-controller.js';

export interface StartControllersOptions {
  store: KyselyResourceRepository;
  handle: DatabaseHandle;
  cipher: SecretCipher;
  onChartsChanged?: (tenant: string) => void;
  /** Which addresses PackSource reads may connect to (default: public addresses only). */
  egress?: EgressPolicy;
  onError?: (event: { controller: string; error: unknown; attempt: number }) => void;
  /** Runs the Cluster controller when given. */
  clusters?: Omit<ClusterControllerOptions, 'store' | 'cipher'>;
  /** Runs the Rollout controller when given (it writes Cluster specs through this service). */
  rollouts?: Omit<RolloutControllerOptions, 'store'>;
  /** Runs the Gateway controller when given. */
  gateways?: Omit<GatewayControllerOptions, 'store'>;
}

/**
 * Starts every controller of the server. On PostgreSQL, keys are leased in the database so several replicas can run
 * the same controllers without reconciling one object twice at once; SQLite has one writer process.
 */
export async function startControllers(o: StartControllersOptions): Promise<{ stop(): Promise<void> }> {
  const leases =
    o.handle.dialect === 'postgres'
      ? new DatabaseKeyLeases({
          repository: new LeaseRepository({ db: o.handle.db, dialect: o.handle.dialect }),
        })
      : undefined;
  const running: RunningController[] = [];
  const start = async (
    controller: Controller,
    kind: string,
    options: { workers?: number; backoff?: { baseMs: number; maxMs: number } } = {},
  ) =>
    running.push(
      await startController({
        controller,
        reader: o.store,
        kinds: [kind],
        clock: realClock,
        ...options,
        ...(leases ? { leases } : {}),
        ...(o.onError
          ? { onError: (e) => o.onError!({ controller: e.controller, error: e.error, attempt: e.attempt }) }
          : {}),
      }),
    );
  await start(
    new PackSourceController({
      store: o.store,
      cipher: o.cipher,
      ...(o.onChartsChanged ? { onChartsChanged: o.onChartsChanged } : {}),
      ...(o.egress ? { egress: o.egress } : {}),
    }),
    'PackSource',
  );
  if (o.clusters) {
    // Provisioning and repaves take seconds to minutes: several clusters move at once.
    await start(new ClusterController({ store: o.store, cipher: o.cipher, ...o.clusters }), 'Cluster', {
      workers: 4,
      backoff: { baseMs: 1000, maxMs: 60_000 },
    });
  }
  if (o.rollouts) {
    await start(new RolloutController({ store: o.store, ...o.rollouts }), 'Rollout', {
      backoff: { baseMs: 1000, maxMs: 60_000 },
    });
  }
  if (o.gateways) {
    await start(new GatewayController({ store: o.store, ...o.gateways }), 'Gateway', {
      backoff: { baseMs: 1000, maxMs: 60_000 },
    });
  }
  return {
    async stop() {
      await Promise.all(running.map((r) => r.stop()));
    },
  };
}
