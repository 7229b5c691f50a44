/**
 * Cluster writes: the schema is checked by the ResourceService; here come the rules that need the store and the
 * providers — attached profile versions exist, are published and include exactly one infra profile, variables have
 * the declared types, pool counts respect min/max and quorum, the provider can build the Kubernetes version — all
 * reported at once, before anything is stored.
 */
import { maintenanceIssues } from '../fleet/maintenance.js';
import { StrataError, type ClusterSpec, type Issue, type ProfileVariable, type Resource } from '@strata/api';
import type { TenantCatalogs } from '../catalog/tenant-catalog.js';
import { sensitiveVariables } from '@strata/core';
import type { HookContext, KindHooks } from '../resources/kind-hooks.js';
import { revealSecret, type SecretCipher } from '../resources/secret-fields.js';
import type { Provider } from '@strata/provider-sdk';
import { describeRef, findGateway } from '../gateways/gateway-lookup.js';
import { gatewayRef, providerCluster } from './machine.js';
import { stampRepaveApproval } from './repave-approval.js';
import type { ProviderRegistry } from './provider-registry.js';
import { findProfile, resolveCluster } from './resolve-cluster.js';
import { revealGivenVariables, revealStoredVariables, sealVariables } from './sealed-variables.js';

/** Held on every Cluster until its infrastructure is gone. */
export const INFRASTRUCTURE_FINALIZER = 'strata.dev/infrastructure';

const IMMUTABLE = ['provider', 'cloudAccount', 'region', 'gateway'] as const;

/** Sensitive variables of the attached profiles, by profile name (missing profiles have none). */
async function sensitiveByProfile(
  ctx: HookContext,
  spec: ClusterSpec,
): Promise<(profile: unknown) => readonly string[]> {
  const cluster = { tenant: ctx.principal.tenant, project: ctx.project ?? '', name: '' };
  const refs = spec.profiles ?? [];
  const profiles = await Promise.all(
    refs.map((ref) => findProfile(ctx.store, cluster, ref.name, ref.version)),
  );
  const names = new Map<unknown, string[]>(
    refs.map((ref, i) => [
      ref.name,
      sensitiveVariables(profiles[i]?.spec.variables as ProfileVariable[] | undefined),
    ]),
  );
  return (profile) => names.get(profile) ?? [];
}

function variablesByProfile(spec: ClusterSpec): Record<string, Record<string, unknown>> {
  return Object.fromEntries((spec.profiles ?? []).map((p) => [p.name, p.variables ?? {}]));
}

/** spec.gateway: required by gateway providers (and naming a Gateway the cluster can see), refused by the others. */
async function gatewayIssues(ctx: HookContext, spec: ClusterSpec, provider: Provider): Promise<Issue[]> {
  const needsGateway = provider.usesGateway === true;
  const ref = gatewayRef({ tenant: ctx.principal.tenant, project: ctx.project ?? '' }, spec);
  if (!ref) {
    return needsGateway
      ? [
          {
            path: '/spec/gateway',
            message: `provider ${provider.name} builds clusters through a gateway: name one (strata get gateways)`,
          },
        ]
      : [];
  }
  if (!needsGateway)
    return [{ path: '/spec/gateway', message: `provider ${provider.name} does not use gateways` }];
  if (await findGateway(ctx.store, ref)) return [];
  return [{ path: '/spec/gateway', message: `no gateway "${ref.name}" in ${describeRef(ref)}` }];
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
    async sealSpec(ctx, spec, previous) {
      const sensitive = await sensitiveByProfile(ctx, spec as unknown as ClusterSpec);
      const approved = stampRepaveApproval(ctx, spec, previous);
      return sealVariables(approved, previous?.spec, sensitive, o.cipher);
    },
    async validate(ctx, input, previous?: Resource) {
      // `********` for a sensitive variable stands for its stored value: validate with that.
      const revealed = revealGivenVariables(input.spec as unknown as ClusterSpec, previous?.spec, o.cipher);
      const given = revealed.spec;
      // A kubeconfig left out of an update keeps the stored one (write-only field): validate with it.
      const stored = previous ? revealSecret(o.cipher, previous.spec.kubeconfig) : undefined;
      const kubeconfig = given.kubeconfig ?? (typeof stored === 'string' ? stored : undefined);
      const spec: ClusterSpec = { ...given, ...(kubeconfig ? { kubeconfig } : {}) };
      const issues: Issue[] = [...revealed.issues];
      if (spec.maintenance)
        issues.push(...maintenanceIssues(spec.maintenance, '/spec/maintenance', new Date()));
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
        cipher: o.cipher,
        cluster: {
          tenant: ctx.principal.tenant,
          project: ctx.project ?? '',
          name: input.metadata.name,
          ...(previous ? { uid: previous.metadata.uid } : {}),
        },
        spec,
        providers: o.providers.names(),
        ...(previous
          ? {
              previousVariables: variablesByProfile(
                revealStoredVariables(previous.spec as unknown as ClusterSpec, o.cipher),
              ),
            }
          : {}),
      });
      issues.push(...resolved.issues);
      const provider = o.providers.get(spec.provider);
      if (provider) issues.push(...(await gatewayIssues(ctx, spec, provider)));
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
