import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API keys look like `stk.<tenant>.<name>.<secret>`: tenant and name locate the ApiKey object, the 32-byte
 * random secret is checked against a SHA-256 hash (a high-entropy secret needs no slow hash).
 */
export const TOKEN_PREFIX = 'stk';

export interface ParsedToken {
  tenant: string;
  name: string;
  secret: string;
}

export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function formatToken(tenant: string, name: string, secret: string): string {
  return `${TOKEN_PREFIX}.${tenant}.${name}.${secret}`;
}

export function parseToken(token: string): ParsedToken | undefined {
  const parts = token.split('.');
  if (parts.length !== 4 || parts[0] !== TOKEN_PREFIX) return undefined;
  const [, tenant, name, secret] = parts as [string, string, string, string];
  if (!tenant || !name || secret.length < 20) return undefined;
  return { tenant, name, secret };
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function secretMatches(secret: string, hash: string): boolean {
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(hash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
