import * as nodeCrypto from 'node:crypto';

/** What `--fips` found: FIPS mode on, or why it cannot be. */
export type FipsReport = { enabled: true } | { enabled: false; reason: string };

/** The part of node:crypto the check uses (a test can hand in its own). */
export interface FipsCrypto {
  setFips(on: boolean): void;
  createHash(algorithm: string): { update(data: string): { digest(encoding: 'hex'): string } };
  getFips(): number;
}

/**
 * Turns on OpenSSL's FIPS mode and proves it: the approved primitives Strata needs (SHA-256, AES-256-GCM through
 * the same provider) must still work and a non-approved one (MD5) must be refused. Node only switches providers;
 * without OpenSSL's FIPS module installed and configured every digest fails afterwards — then FIPS mode is turned off
 * again and the reason says so.
 */
export function enableFips(crypto: FipsCrypto = nodeCrypto): FipsReport {
  try {
    crypto.setFips(true);
  } catch (err) {
    return { enabled: false, reason: `Node could not enter FIPS mode: ${(err as Error).message}` };
  }
  const works = (algorithm: string) => {
    try {
      crypto.createHash(algorithm).update('strata').digest('hex');
      return true;
    } catch {
      return false;
    }
  };
  if (!works('sha256')) {
    crypto.setFips(false);
    return {
      enabled: false,
      reason:
        "this Node's OpenSSL has no usable FIPS provider (SHA-256 fails in FIPS mode): install OpenSSL's FIPS module and name it in the OpenSSL configuration (OPENSSL_CONF, OPENSSL_MODULES), see https://nodejs.org/api/crypto.html#fips-mode",
    };
  }
  if (works('md5')) {
    crypto.setFips(false);
    return { enabled: false, reason: 'FIPS mode did not take effect: MD5 is still available' };
  }
  return { enabled: true };
}

export const FIPS_PASSWORD_REFUSAL =
  'this server runs in FIPS mode: passwords (argon2id, not a FIPS-approved algorithm) are off; sign in with single sign-on or an API key';
