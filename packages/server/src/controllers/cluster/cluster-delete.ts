/**
 * The delete phase: the provider removes the infrastructure (resumably: it finds it by name), then the agent's
 * records go and the finalizer is released, so the object goes too.
 */
import { Result, type Phase } from '../../controller-runtime/index.js';
import { INFRASTRUCTURE_FINALIZER } from '../../clusters/cluster-hooks.js';
import { storedTarget } from '../../clusters/machine.js';
import type { ClusterControllerOptions } from './cluster-controller.js';
import { DEFAULTS, providerFailure, unprocessableSpec } from './cluster-phases.js';
import { clusterKey, type ClusterScope } from './cluster-scope.js';

export const CONTROLLER_SOURCE = 'cluster-controller';

export function deletePhase(o: ClusterControllerOptions): Phase<ClusterScope> {
  return {
    name: 'delete',
    run: async (_ctx, scope) => {
      const { cluster } = scope;
      if (!cluster.metadata.finalizers.includes(INFRASTRUCTURE_FINALIZER)) {
        scope.gone = true;
        return Result.done();
      }
      scope.deleting = { message: 'removing infrastructure' };
      const provider = o.providers.get(String(cluster.spec.provider));
      if (provider) {
        // The provider finds its infrastructure by name.
        const target = storedTarget(cluster, unprocessableSpec(cluster.spec) !== undefined);
        let result;
        try {
          result = await provider.delete(target);
        } catch (err) {
          return providerFailure(scope, 'InfrastructureReady', err);
        }
        if (!result.done) {
          scope.deleting = { message: result.message };
          return Result.requeueAfter(o.progressMs ?? DEFAULTS.progressMs);
        }
      }
      await o.agents.remove(cluster.metadata.uid);
      // Compare-and-swap on what this pass read: a conflict (someone wrote meanwhile) throws, the pass runs again.
      await o.store.update(
        { tenant: cluster.metadata.tenant, projects: '*' },
        {
          key: clusterKey(cluster),
          expectedResourceVersion: cluster.metadata.resourceVersion,
          labels: cluster.metadata.labels,
          annotations: cluster.metadata.annotations,
          finalizers: cluster.metadata.finalizers.filter((f) => f !== INFRASTRUCTURE_FINALIZER),
        },
        { name: CONTROLLER_SOURCE },
      );
      scope.gone = true;
      scope.events.push({
        type: 'Normal',
        reason: 'Deleted',
        message: 'infrastructure removed; the cluster is gone',
      });
      return Result.done();
    },
  };
}
