import type { ResourceRepository } from '@strata/store';

/** A tenant's policy (Tenant `spec.policy`), with what is unset left out. */
export interface TenantPolicy {
  passwordSignIn?: boolean;
  apiKeyMaxLifetimeDays?: number;
  auditRetentionDays?: number;
}

export async function tenantPolicy(store: ResourceRepository, tenant: string): Promise<TenantPolicy> {
  const t = await store.get(
    { tenant: '', projects: '*' },
    { kind: 'Tenant', tenant: '', project: '', name: tenant },
  );
  return (t?.spec.policy as TenantPolicy | undefined) ?? {};
}

/**
 * The expiry a new API key gets under the tenant's maximum lifetime: the one asked for, or the latest allowed when
 * none was asked for; `tooLate` when the one asked for is beyond the maximum.
 */
export function keyExpiry(
  policy: TenantPolicy,
  requested: string | undefined,
  now: number,
): { expiresAt?: string; tooLate?: string } {
  const days = policy.apiKeyMaxLifetimeDays;
  if (days === undefined) return requested ? { expiresAt: requested } : {};
  const latest = new Date(now + days * 86_400_000).toISOString();
  if (requested === undefined) return { expiresAt: latest };
  if (Date.parse(requested) > Date.parse(latest)) return { tooLate: latest };
  return { expiresAt: requested };
}
