import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProviderSettings } from './oidc-config.js';
import { identityFromClaims, userName } from './sso-identity.js';

const settings = {
  claims: { username: 'preferred_username', email: 'email', groups: 'groups' },
} as ProviderSettings;

describe('user names from claims', () => {
  for (const [given, expect] of [
    ['alice', 'alice'],
    ['Alice.Smith@corp.example', 'alice-smith'],
    ['ALICE_01', 'alice-01'],
    ['--x--', 'x'],
    ['@corp.example', undefined],
    ['ÄÖ', undefined],
    ['a'.repeat(80), 'a'.repeat(63)],
  ] as const) {
    it(`${given} → ${String(expect)}`, () => assert.equal(userName(given), expect));
  }
});

describe('identities from claims', () => {
  const table: { name: string; claims: Record<string, unknown>; error?: RegExp; groups?: string[] }[] = [
    {
      name: 'groups list',
      claims: { sub: 's', preferred_username: 'a', groups: ['x', 'y'] },
      groups: ['x', 'y'],
    },
    { name: 'no groups claim', claims: { sub: 's', preferred_username: 'a' }, groups: [] },
    {
      name: 'groups a string',
      claims: { sub: 's', preferred_username: 'a', groups: 'x' },
      error: /not a list of strings/,
    },
    {
      name: 'groups with a number',
      claims: { sub: 's', preferred_username: 'a', groups: ['x', 1] },
      error: /not a list/,
    },
    { name: 'no subject', claims: { preferred_username: 'a' }, error: /no subject/ },
    {
      name: 'no user name',
      claims: { sub: 's' },
      error: /"preferred_username" \(the user name\) is missing/,
    },
  ];
  for (const row of table) {
    it(row.name, () => {
      if (row.error) assert.throws(() => identityFromClaims(row.claims, settings), row.error);
      else assert.deepEqual(identityFromClaims(row.claims, settings).groups, row.groups);
    });
  }
});
