/** The browser side of single sign-on: a random verifier kept in this tab, its SHA-256 challenge sent to the server. */
const VERIFIER_KEY = 'strata.sso.verifier';
export const SSO_CALLBACK_PATH = '/sso/callback';

function base64url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Makes a new verifier for this tab and returns its challenge. */
export async function newChallenge(): Promise<string> {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  sessionStorage.setItem(VERIFIER_KEY, verifier);
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

/** The verifier of the sign-in this tab started (used once). */
export function takeVerifier(): string | undefined {
  const v = sessionStorage.getItem(VERIFIER_KEY) ?? undefined;
  sessionStorage.removeItem(VERIFIER_KEY);
  return v;
}
