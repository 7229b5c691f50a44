import type { Issue } from '@strata/api';
import type { KindHooks } from '../../resources/kind-hooks.js';
import { DEFAULT_SCOPES, parseIssuer } from './oidc-config.js';
import type { SsoService } from './sso-service.js';

/**
 * An IdentityProvider is checked when it is written: the issuer must be a usable URL and its discovery document must
 * be readable and name the same issuer, so a wrong or unreachable issuer is a 422 at configuration time, not a
 * failure at the first sign-in.
 */
export function identityProviderHooks(sso: SsoService): KindHooks {
  return {
    validate: async (ctx, input) => {
      const spec = input.spec as {
        issuer?: unknown;
        clientId?: unknown;
        disabled?: boolean;
        scopes?: string[];
      };
      if (typeof spec.issuer !== 'string' || typeof spec.clientId !== 'string') return [];
      const issues: Issue[] = [];
      const issuer = parseIssuer(spec.issuer);
      if (!issuer.url) return [{ path: '/spec/issuer', message: issuer.problem ?? 'not a valid issuer' }];
      if (spec.scopes && spec.scopes.length > 0 && !spec.scopes.includes('openid'))
        issues.push({ path: '/spec/scopes', message: 'scopes must include "openid"' });
      if (spec.disabled === true) return issues;
      await sso
        .check({
          tenant: ctx.principal.tenant,
          name: input.metadata.name,
          issuer: issuer.url,
          clientId: spec.clientId,
          scopes: spec.scopes ?? DEFAULT_SCOPES,
          claims: { username: '', email: '', groups: '' },
          groupMappings: [],
          disabled: false,
        })
        .catch((err: Error) => issues.push({ path: '/spec/issuer', message: err.message }));
      return issues;
    },
  };
}
