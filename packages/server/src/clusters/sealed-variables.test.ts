import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ClusterSpec } from '@strata/api';
import { MASK } from '@strata/core';
import type { SecretCipher } from '../resources/secret-fields.js';
import { openCipher } from '../secrets.js';
import {
  isSealed,
  maskSealedVariables,
  revealGivenVariables,
  revealStoredVariables,
  sealVariables,
} from './sealed-variables.js';

const spec = (variables: Record<string, unknown>, other: Record<string, unknown> = { replicas: 2 }) => ({
  provider: 'imported',
  nodePools: [],
  profiles: [
    { name: 'db', version: '1.0.0', variables },
    { name: 'web', version: '1.0.0', variables: other },
  ],
});
const vars = (s: Record<string, unknown>, i = 0) =>
  (s.profiles as { variables: Record<string, unknown> }[])[i]!.variables;
const sensitive = (profile: unknown) => (profile === 'db' ? ['password', 'token'] : []);

describe('sealed cluster variables', () => {
  let dir: string;
  let cipher: SecretCipher;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'strata-sealed-'));
    cipher = await openCipher({ dataDir: dir, env: {} });
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('seals the sensitive variables of each attachment, and only those', () => {
    const sealed = sealVariables(spec({ password: 'pw-1', user: 'app' }), undefined, sensitive, cipher);
    assert.ok(isSealed(vars(sealed).password));
    assert.equal(vars(sealed).user, 'app');
    assert.deepEqual(vars(sealed, 1), { replicas: 2 });
    assert.ok(!JSON.stringify(sealed).includes('pw-1'));
    assert.equal(
      revealStoredVariables(sealed as unknown as ClusterSpec, cipher).profiles![0]!.variables!.password,
      'pw-1',
    );
  });

  it('keeps the stored ciphertext for ******** and for the same value; a new value gets a new one', () => {
    const stored = sealVariables(spec({ password: 'pw-1' }), undefined, sensitive, cipher);
    const ciphertext = vars(stored).password;
    assert.deepEqual(
      vars(sealVariables(spec({ password: MASK }), stored, sensitive, cipher)).password,
      ciphertext,
    );
    assert.deepEqual(
      vars(sealVariables(spec({ password: 'pw-1' }), stored, sensitive, cipher)).password,
      ciphertext,
    );
    const changed = vars(sealVariables(spec({ password: 'pw-2' }), stored, sensitive, cipher)).password;
    assert.notDeepEqual(changed, ciphertext);
    // A value stored in clear before sealing existed: ******** seals that value.
    const legacy = vars(sealVariables(spec({ token: MASK }), spec({ token: 'tk' }), sensitive, cipher)).token;
    assert.ok(isSealed(legacy));
    assert.equal(cipher.decrypt(legacy.$sealed), JSON.stringify('tk'));
  });

  it('readers see ********; the spec without sealed values is returned as it is', () => {
    const stored = sealVariables(spec({ password: 'pw-1', user: 'app' }), undefined, sensitive, cipher);
    assert.deepEqual(vars(maskSealedVariables(stored)), { password: MASK, user: 'app' });
    const plain = spec({ user: 'app' });
    assert.equal(maskSealedVariables(plain), plain);
  });

  it('reveals ******** from the stored value, and refuses forged sealed values and ******** with nothing stored', () => {
    const stored = sealVariables(spec({ password: 'pw-1' }), undefined, sensitive, cipher);
    const given = revealGivenVariables(spec({ password: MASK, user: 'x' }) as ClusterSpec, stored, cipher);
    assert.deepEqual(given.issues, []);
    assert.deepEqual(given.spec.profiles![0]!.variables, { password: 'pw-1', user: 'x' });
    const bad = revealGivenVariables(
      spec({ password: vars(stored).password, token: MASK }) as ClusterSpec,
      stored,
      cipher,
    );
    assert.deepEqual(
      bad.issues.map((i) => i.path),
      ['/spec/profiles/0/variables/password', '/spec/profiles/0/variables/token'],
    );
    assert.match(bad.issues[0]!.message, /sealed values are the server’s own/);
    assert.match(bad.issues[1]!.message, /variable token has none; give the value/);
  });
});
