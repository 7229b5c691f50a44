/**
 * The Gateway controller: keeps each gateway's management cluster built, running and healthy (embedded: the server's
 * own, through EmbeddedGatewayHost) and writes what it observed as status — phase, conditions, components, build
 * progress, clusters assigned — every pass (compare-and-swap), with an Event when Ready changes. Deleting the last
 * embedded Gateway stops the embedded management cluster.
 */
import { StrataError, type GatewayStatus, type Resource } from '@strata/api';
import type { ObjectKey, ResourceRepository } from '@strata/store';
import { Result, type Controller, type ReconcileContext } from '../../controller-runtime/index.js';
import type { EmbeddedGatewayHost } from '../../gateways/embedded-host.js';
import { GATEWAY_FINALIZER } from '../../gateways/gateway-hooks.js';
import { clustersOf, liveEmbeddedGateways } from '../../gateways/gateway-lookup.js';
import { findCondition } from '../conditions.js';
import { recordEvent } from '../events.js';
import { gatewayStatus } from './gateway-status.js';

export interface GatewayControllerOptions {
  store: ResourceRepository;
  embedded: EmbeddedGatewayHost;
  /** Kubernetes versions the gateway's providers build (shown in status). */
  kubernetesVersions: readonly string[];
  /** Health probes of a Ready gateway (default 30 s); 3 s while building or starting. */
  resyncMs?: number;
}

const SOURCE = 'gateway-controller';

export class GatewayController implements Controller {
  readonly name = 'gateway';
  readonly #o: GatewayControllerOptions;

  constructor(options: GatewayControllerOptions) {
    this.#o = options;
  }

  /**
   * A deleted gateway (no cluster uses it: the delete was refused otherwise): the last embedded one stops the
   * management cluster and its managers; then the finalizer goes, and the object with it.
   */
  async #release(gateway: Resource): Promise<Result> {
    if (!gateway.metadata.finalizers.includes(GATEWAY_FINALIZER)) return Result.done();
    if ((await liveEmbeddedGateways(this.#o.store)).length === 0) await this.#o.embedded.delete();
    const { tenant, project, name } = gateway.metadata;
    await this.#o.store.update(
      { tenant, projects: '*' },
      {
        key: { kind: 'Gateway', tenant, project: project ?? '', name },
        expectedResourceVersion: gateway.metadata.resourceVersion,
        labels: gateway.metadata.labels,
        annotations: gateway.metadata.annotations,
        finalizers: gateway.metadata.finalizers.filter((f) => f !== GATEWAY_FINALIZER),
      },
      { name: SOURCE },
    );
    return Result.done();
  }

  async reconcile(ctx: ReconcileContext, key: ObjectKey): Promise<Result> {
    const scope = { tenant: key.tenant, projects: '*' as const };
    const gateway = await this.#o.store.get(scope, key);
    if (!gateway) return Result.done();
    if (gateway.metadata.deletedAt) return this.#release(gateway);
    const before = gateway.status as Partial<GatewayStatus>;
    const observation = await this.#o.embedded.observe();
    const status = gatewayStatus({
      observation,
      before,
      generation: gateway.metadata.generation,
      now: new Date(ctx.clock.now()),
      clusters: (await clustersOf(this.#o.store, gateway)).length,
      kubernetesVersions: this.#o.kubernetesVersions,
    });
    try {
      await this.#o.store.updateStatus(
        scope,
        { key, status, expectedResourceVersion: gateway.metadata.resourceVersion },
        { name: SOURCE },
      );
    } catch (err) {
      if (err instanceof StrataError && err.code === 'STRATA_CONFLICT') return Result.requeueAfter(0);
      throw err;
    }
    const wasReady = findCondition(before.conditions, 'Ready')?.status;
    const ready = findCondition(status.conditions, 'Ready');
    if (ready && ready.status !== wasReady && (ready.status === 'True' || wasReady === 'True')) {
      await recordEvent(this.#o.store, {
        tenant: key.tenant,
        involvedObject: { kind: 'Gateway', name: key.name, ...(key.project ? { project: key.project } : {}) },
        type: ready.status === 'True' ? 'Normal' : 'Warning',
        reason: ready.status === 'True' ? 'GatewayReady' : 'GatewayNotReady',
        message: status.message,
        source: SOURCE,
        now: new Date(ctx.clock.now()),
      });
    }
    return Result.requeueAfter(status.phase === 'Ready' ? (this.#o.resyncMs ?? 30_000) : 3_000);
  }
}
