/**
 * Cluster writes: the schema is checked by the ResourceService; here come the rules that need the store and the
 * providers — attached profile versions exist, are published and include exactly one infra profile, variables have
 * the declared types, pool counts respect min/max and quorum, the provider can build the Kubernetes version — all
 * reported at once, before anything is stored.
 */
import { StrataError, type ClusterSpec, type Issue, type Resource } from '@strata/api';
import type { TenantCatalogs } from '../catalog/tenant-catalog.js';
import type { KindHooks } from '../resources/kind-hooks.js';
import { revealSecret, type SecretCipher } from '../resources/secret-fields.js';
import { providerCluster } from './machine.js';
import type { ProviderRegistry } from './provider-registry.js';
import { resolveCluster } from './resolve-cluster.js';

/** Held on every Cluster until its infrastructure is gone. */
export const INFRASTRUCTURE_FINALIZER = 'strata.dev/infrastructure';

const IMMUTABLE = ['provider', 'cloudAccount', 'region'] as const;

function variablesByProfile(spec: ClusterSpec): Record<string, Record<string, unknown>> {
  return Object.fromEntries((spec.profiles ?? []).map((p) => [p.name, p.variables ?? {}]));
}

export function clusterHooks(o: {
  catalogs: TenantCatalogs;
  providers: ProviderRegistry;
  cipher: SecretCipher;
}): KindHooks {
  return {
    finalizers: [INFRASTRUCTURE_FINALIZER],
    initialStatus: () => ({ phase: 'Pending', conditions: [] }),
    guardUpdate(previous) {
      if (previous.metadata.deletedAt) {
        throw new StrataError(
          'STRATA_CONFLICT',
          `cluster "${previous.metadata.name}" is being deleted; it cannot change any more`,
        );
      }
    },
    async validate(ctx, input, previous?: Resource) {
      const given = input.spec as unknown as ClusterSpec;
      // A kubeconfig left out of an update keeps the stored one (write-only field): validate with it.
      const stored = previous ? revealSecret(o.cipher, previous.spec.kubeconfig) : undefined;
      const kubeconfig = given.kubeconfig ?? (typeof stored === 'string' ? stored : undefined);
      const spec: ClusterSpec = { ...given, ...(kubeconfig ? { kubeconfig } : {}) };
      const issues: Issue[] = [];
      if (previous) {
        for (const field of IMMUTABLE) {
          if ((previous.spec[field] ?? null) !== (spec[field] ?? null)) {
            issues.push({
              path: `/spec/${field}`,
              message: `${field} cannot change after creation (was ${JSON.stringify(previous.spec[field] ?? null)}); create a new cluster instead`,
            });
          }
        }
      }
      const resolved = await resolveCluster({
        store: ctx.store,
        catalogs: o.catalogs,
        cluster: {
          tenant: ctx.principal.tenant,
          project: ctx.project ?? '',
          name: input.metadata.name,
          ...(previous ? { uid: previous.metadata.uid } : {}),
        },
        spec,
        providers: o.providers.names(),
        ...(previous
          ? { previousVariables: variablesByProfile(previous.spec as unknown as ClusterSpec) }
          : {}),
      });
      issues.push(...resolved.issues);
      const provider = o.providers.get(spec.provider);
      if (issues.length > 0 || !provider) return issues;
      const target = providerCluster({ name: input.metadata.name, spec, stack: resolved.stack });
      if (!target) {
        return [
          {
            path: '/spec/kubernetesVersion',
            message:
              'no Kubernetes version: the infra profile has no k8s layer; add one or set spec.kubernetesVersion',
          },
        ];
      }
      const seen = new Set(issues.map((i) => `${i.path}\n${i.message}`));
      for (const issue of await provider.validate(target)) {
        if (!seen.has(`${issue.path}\n${issue.message}`)) issues.push(issue);
      }
      return issues;
    },
  };
}
