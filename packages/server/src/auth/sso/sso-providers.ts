import { StrataError } from '@strata/api';
import type { EgressPolicy } from '@strata/core';
import { listAll, type ResourceRepository } from '@strata/store';
import type * as client from 'openid-client';
import type { SecretCipher } from '../../resources/secret-fields.js';
import { ADMINS_TEAM } from '../tenant-onboarding.js';
import { discover, providerSettings, type ProviderSettings } from './oidc-config.js';

export interface SsoProvidersOptions {
  store: ResourceRepository;
  cipher: SecretCipher;
  egress: EgressPolicy;
  now?: () => number;
}

const CONFIG_TTL_MS = 5 * 60_000;

/**
 * A tenant's IdentityProviders as openid-client configurations: read from the store on every use (so a change or a
 * disabled provider applies at once), discovered again when the provider changed or after 5 minutes.
 */
export class SsoProviders {
  readonly #o: SsoProvidersOptions;
  /** Per provider UID: the configuration of one resourceVersion. */
  readonly #configs = new Map<
    string,
    { version: string; at: number; config: Promise<client.Configuration> }
  >();

  constructor(options: SsoProvidersOptions) {
    this.#o = options;
  }

  #now(): number {
    return this.#o.now?.() ?? Date.now();
  }

  async list(tenant: string): Promise<{ name: string; displayName: string }[]> {
    const all = await listAll(this.#o.store, { tenant, projects: '*' }, { kind: 'IdentityProvider' });
    return all
      .filter((p) => p.spec.disabled !== true)
      .map((p) => ({
        name: p.metadata.name,
        displayName: typeof p.spec.displayName === 'string' ? p.spec.displayName : p.metadata.name,
      }));
  }

  /** The provider's settings and configuration; 404 when it does not exist or is disabled. */
  async resolve(
    tenant: string,
    name: string,
  ): Promise<{ settings: ProviderSettings; config: client.Configuration }> {
    const idp = await this.#o.store.get(
      { tenant, projects: '*' },
      { kind: 'IdentityProvider', tenant, project: '', name },
    );
    if (!idp || idp.spec.disabled === true || idp.metadata.deletedAt)
      throw new StrataError('STRATA_NOT_FOUND', `tenant "${tenant}" has no identity provider "${name}"`);
    const settings = providerSettings(idp, this.#o.cipher);
    // The IdP group named as the tenant's first administrator maps to the team `admins` (bound to tenant-admin).
    const tenantObject = await this.#o.store.get(
      { tenant: '', projects: '*' },
      { kind: 'Tenant', tenant: '', project: '', name: tenant },
    );
    const adminGroup = (tenantObject?.spec.admin as { group?: string } | undefined)?.group;
    if (adminGroup)
      settings.groupMappings = [...settings.groupMappings, { group: adminGroup, team: ADMINS_TEAM }];
    const uid = idp.metadata.uid;
    const version = idp.metadata.resourceVersion;
    const cached = this.#configs.get(uid);
    if (cached && cached.version === version && this.#now() - cached.at < CONFIG_TTL_MS)
      return { settings, config: await cached.config };
    const config = discover(settings, { egress: this.#o.egress });
    this.#configs.set(uid, { version, at: this.#now(), config });
    config.catch(() => {
      if (this.#configs.get(uid)?.config === config) this.#configs.delete(uid);
    });
    return { settings, config: await config };
  }

  /** Discovery with these settings: throws a clear error when the issuer cannot be used. */
  async check(settings: ProviderSettings): Promise<void> {
    await discover(settings, { egress: this.#o.egress });
  }
}
