import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { LoginResult, StrataClient } from '@strata/client';
import { UsageError } from '../exit-codes.js';

export interface SsoLoginOptions {
  client: StrataClient;
  tenant?: string | undefined;
  provider?: string | undefined;
  /** Progress for the user (where to sign in). */
  say: (text: string) => void;
  signal?: AbortSignal | undefined;
  /** Give up after this long (default 10 minutes). */
  timeoutMs?: number;
}

/** The provider to use: the one named, or the tenant's only one. */
export async function chooseProvider(o: SsoLoginOptions): Promise<string> {
  if (o.provider) return o.provider;
  const providers = await o.client.ssoProviders(o.tenant, { signal: o.signal });
  if (providers.length === 1) return providers[0]!.name;
  if (providers.length === 0)
    throw new UsageError(
      `tenant "${o.tenant ?? 'default'}" has no identity provider; sign in with a password`,
    );
  throw new UsageError(
    `tenant "${o.tenant ?? 'default'}" has several identity providers; choose one with --provider (${providers.map((p) => p.name).join(', ')})`,
  );
}

/**
 * Browser sign-in with a loopback redirect: a one-request HTTP listener on 127.0.0.1 receives the one-time code, and
 * the session is collected with the verifier only this process knows.
 */
export async function ssoBrowserLogin(o: SsoLoginOptions): Promise<LoginResult> {
  const provider = await chooseProvider(o);
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const { server, port, result } = await listenOnce(o.timeoutMs ?? 600_000, o.signal);
  try {
    const url = o.client.ssoAuthorizeUrl({
      provider,
      redirect: `http://127.0.0.1:${port}/callback`,
      challenge,
      ...(o.tenant ? { tenant: o.tenant } : {}),
    });
    o.say(
      `Open this address in a browser to sign in with ${provider}:\n\n  ${url}\n\nWaiting for the sign-in to finish...\n`,
    );
    const back = await result;
    const error = back.searchParams.get('error');
    if (error) throw new UsageError(error);
    const code = back.searchParams.get('code');
    if (!code) throw new UsageError('the server sent no sign-in code back');
    return await o.client.ssoToken(code, verifier, { signal: o.signal });
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

/** Device sign-in: shows the code to enter at the provider, then asks the server until the user approved. */
export async function ssoDeviceLogin(o: SsoLoginOptions): Promise<LoginResult> {
  const provider = await chooseProvider(o);
  const started = await o.client.ssoDeviceStart(provider, o.tenant, { signal: o.signal });
  o.say(
    `To sign in, open ${started.verificationUri} on any device and enter the code ${started.userCode}` +
      `${started.verificationUriComplete ? `\n(or open ${started.verificationUriComplete})` : ''}\n\nWaiting for the sign-in to finish...\n`,
  );
  const deadline = Date.parse(started.expiresAt);
  while (Date.now() < deadline) {
    o.signal?.throwIfAborted();
    const polled = await o.client.ssoDevicePoll(started.handle, { signal: o.signal });
    if (polled.status === 'complete') {
      const { token, expiresAt, user, tenant } = polled;
      return { token, expiresAt, user, tenant };
    }
  }
  throw new UsageError(
    'the device sign-in expired before it was approved; run strata login --sso --device again',
  );
}

async function listenOnce(
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<{ server: Server; port: number; result: Promise<URL> }> {
  let settle!: (u: URL) => void;
  let fail!: (e: Error) => void;
  const result = new Promise<URL>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/callback') {
      res.writeHead(404).end();
      return;
    }
    const ok = !url.searchParams.get('error');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(
      `<!doctype html><title>Strata sign-in</title><p>${ok ? 'Signed in. You can close this window and return to the terminal.' : 'Sign-in failed: see the terminal.'}</p>`,
    );
    settle(url);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const timer = setTimeout(() => fail(new UsageError('no sign-in arrived in time')), timeoutMs);
  timer.unref();
  signal?.addEventListener('abort', () => fail(new UsageError('sign-in cancelled')), { once: true });
  void result.finally(() => clearTimeout(timer)).catch(() => undefined);
  return { server, port: (server.address() as { port: number }).port, result };
}
