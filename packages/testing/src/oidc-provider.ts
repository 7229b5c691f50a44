/**
 * A real OpenID Provider for tests: `oidc-provider` (OpenID Certified) listening on 127.0.0.1, with its development
 * sign-in pages (any password; the login names an account below), test accounts whose groups a test can change, and
 * the device flow. Nothing here mints tokens: the provider does.
 */
import { createServer, type Server } from 'node:http';
import Provider, { type Configuration } from 'oidc-provider';

export interface TestAccount {
  username: string;
  email?: string;
  /** What the groups claim carries (a test may set a non-list to see it refused). */
  groups: unknown;
}

export interface TestIdpOptions {
  clients: { clientId: string; clientSecret: string; redirectUris: string[] }[];
  /** Account id (the login typed on the sign-in page) → account. Changes take effect at the next token. */
  accounts: Map<string, TestAccount>;
  /** Lifetime of authorization codes (default 60 s). */
  codeTtlSeconds?: number;
}

export interface TestIdp {
  issuer: string;
  provider: Provider;
  close(): Promise<void>;
}

export async function startTestIdp(o: TestIdpOptions): Promise<TestIdp> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  const issuer = `http://127.0.0.1:${address.port}`;
  const configuration: Configuration = {
    clients: o.clients.map((c) => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      redirect_uris: c.redirectUris,
      grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    })),
    scopes: ['openid', 'offline_access', 'profile', 'email', 'groups'],
    claims: {
      openid: ['sub'],
      profile: ['preferred_username'],
      email: ['email'],
      groups: ['groups'],
    },
    // Scope claims in the ID token itself (as Okta, Entra ID and Keycloak can be configured to do).
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: true }, deviceFlow: { enabled: true } },
    issueRefreshToken: async () => true,
    pkce: { required: () => true },
    cookies: { keys: ['strata-test-idp-cookie-key'] },
    ttl: { AuthorizationCode: o.codeTtlSeconds ?? 60 },
    findAccount: async (_ctx, id) => {
      const account = o.accounts.get(id);
      if (!account) return undefined;
      return {
        accountId: id,
        claims: async () => ({
          sub: id,
          preferred_username: account.username,
          ...(account.email ? { email: account.email } : {}),
          groups: account.groups as string[],
        }),
      };
    },
  };
  const provider = new Provider(issuer, configuration);
  const handle = provider.callback();
  server.on('request', (req, res) => void handle(req, res));
  return {
    issuer,
    provider,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A minimal user agent for the provider's development pages: keeps cookies, follows redirects and submits the one form
 * of a page with its hidden fields plus the ones given. Stops at the first URL `stopAt` accepts.
 */
export class FormAgent {
  readonly #cookies = new Map<string, Map<string, string>>();

  async #fetch(url: string, init: { method?: string; body?: URLSearchParams } = {}): Promise<Response> {
    const u = new URL(url);
    const jar = this.#cookies.get(u.host) ?? new Map<string, string>();
    const headers: Record<string, string> = {};
    if (jar.size > 0) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    if (init.body) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(url, {
      method: init.method ?? 'GET',
      headers,
      redirect: 'manual',
      ...(init.body ? { body: init.body.toString() } : {}),
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      jar.set(pair!.slice(0, i), pair!.slice(i + 1));
    }
    this.#cookies.set(u.host, jar);
    return res;
  }

  /** Follows redirects from `url` until `stopAt(url)` or a page (200) is reached; returns where it stopped. */
  async go(
    url: string,
    stopAt: (url: URL) => boolean,
    init: { method?: string; body?: URLSearchParams } = {},
  ): Promise<{ url: string; status: number; html: string }> {
    let current = url;
    let res = await this.#fetch(current, init);
    for (let hops = 0; hops < 20; hops++) {
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location) break;
      current = new URL(location, current).href;
      if (stopAt(new URL(current))) return { url: current, status: 0, html: '' };
      res = await this.#fetch(current);
    }
    return { url: current, status: res.status, html: await res.text() };
  }

  /** Submits the page's form (by id, or the first) with its hidden fields and `fields`. */
  async submit(
    page: { url: string; html: string },
    fields: Record<string, string>,
    stopAt: (url: URL) => boolean,
    formId?: string,
  ): Promise<{ url: string; status: number; html: string }> {
    const forms = [...page.html.matchAll(/<form([^>]*)>([\s\S]*?)<\/form>/g)];
    const form = forms.find((f) => !formId || f[1]!.includes(`id="${formId}"`));
    if (!form) throw new Error(`no form on ${page.url}: ${page.html.slice(0, 300)}`);
    const action = /action="([^"]*)"/.exec(form[1]!)?.[1] ?? page.url;
    const body = new URLSearchParams();
    for (const input of form[2]!.matchAll(/<input([^>]*)>/g)) {
      const name = /name="([^"]*)"/.exec(input[1]!)?.[1];
      const value = /value="([^"]*)"/.exec(input[1]!)?.[1];
      if (name && /type="hidden"/.test(input[1]!)) body.set(name, value ?? '');
    }
    for (const [k, v] of Object.entries(fields)) body.set(k, v);
    return this.go(new URL(action.replace(/&amp;/g, '&'), page.url).href, stopAt, { method: 'POST', body });
  }

  /** Signs in at the provider's pages as `login` and consents: from an authorization URL to where it sends back. */
  async signIn(authorizeUrl: string, login: string, stopAt: (url: URL) => boolean): Promise<string> {
    let page = await this.go(authorizeUrl, stopAt);
    for (let step = 0; step < 4 && page.status !== 0; step++) {
      if (page.status !== 200)
        throw new Error(`the provider answered ${page.status} at ${page.url}: ${page.html.slice(0, 300)}`);
      page = page.html.includes('name="prompt" value="login"')
        ? await this.submit(page, { login, password: 'any' }, stopAt)
        : await this.submit(page, {}, stopAt);
    }
    if (page.status !== 0) throw new Error(`sign-in did not finish: ${page.url}`);
    return page.url;
  }
}
