import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ClusterSpec } from '@strata/api';
import { ProviderError, type ProviderCluster } from '@strata/provider-sdk';
import { ImportedProvider } from './imported-provider.js';

// Port 1 on loopback: nothing listens, so the probe fails fast without leaving the machine.
const GIVEN = `apiVersion: v1
kind: Config
current-context: main
preferences: {}
clusters:
- name: c
  cluster: {server: 'https://127.0.0.1:1', certificate-authority-data: Q0E=}
users:
- name: u
  user: {token: abc}
- name: spare
  user: {token: other}
contexts:
- name: main
  context: {cluster: c, user: u}
`;
const CANONICAL = {
  apiVersion: 'v1',
  kind: 'Config',
  clusters: [
    { name: 'imported', cluster: { server: 'https://127.0.0.1:1', 'certificate-authority-data': 'Q0E=' } },
  ],
  users: [{ name: 'imported', user: { token: 'abc' } }],
  contexts: [{ name: 'imported', context: { cluster: 'imported', user: 'imported' } }],
  'current-context': 'imported',
};
const ATTACK = GIVEN.replace(
  '  user: {token: abc}',
  '  user:\n    token: abc\n    <<: {tokenFile: /etc/strata/admin-key}',
);

const cluster = (name: string, kubeconfig?: string): ProviderCluster => ({
  name,
  kubernetesVersion: '',
  spec: {
    provider: 'imported',
    nodePools: [],
    import: { mode: 'read-only', connect: 'server' },
    ...(kubeconfig ? { kubeconfig } : {}),
  } as unknown as ClusterSpec,
});

describe('imported provider: the stored kubeconfig is the canonical one', () => {
  let dir: string;
  let provider: ImportedProvider;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'strata-imported-'));
    provider = new ImportedProvider({ stateDir: dir, probeTimeoutMs: 2000 });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('ensure stores only the kubeconfig rebuilt from the validated connection (0600 JSON), not the text given', async () => {
    await assert.rejects(provider.ensure(cluster('a', GIVEN)), ProviderError); // the probe finds nothing there
    const file = join(dir, 'a', 'kubeconfig');
    const stored = await readFile(file, 'utf8');
    assert.deepEqual(JSON.parse(stored), CANONICAL);
    assert.ok(!stored.includes('spare') && !stored.includes('<<'));
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.equal(await provider.kubeconfig(cluster('a')), stored, 'the kubeconfig route gets the same');
  });

  it('rewrites a kubeconfig stored as given by an earlier version at the next ensure, or when read', async () => {
    await mkdir(join(dir, 'b'), { recursive: true });
    await writeFile(join(dir, 'b', 'kubeconfig'), GIVEN, { mode: 0o600 });
    assert.deepEqual(JSON.parse(await provider.kubeconfig(cluster('b'))), CANONICAL);
    assert.deepEqual(JSON.parse(await readFile(join(dir, 'b', 'kubeconfig'), 'utf8')), CANONICAL);

    await mkdir(join(dir, 'c'), { recursive: true });
    await writeFile(join(dir, 'c', 'kubeconfig'), GIVEN, { mode: 0o600 });
    await assert.rejects(provider.ensure(cluster('c', GIVEN)), ProviderError);
    assert.deepEqual(JSON.parse(await readFile(join(dir, 'c', 'kubeconfig'), 'utf8')), CANONICAL);
  });

  it('removes a stored kubeconfig that is refused now (merge keys), so that no agent or helm reads it', async () => {
    await mkdir(join(dir, 'd'), { recursive: true });
    await writeFile(join(dir, 'd', 'kubeconfig'), ATTACK, { mode: 0o600 });
    await assert.rejects(provider.ensure(cluster('d', ATTACK)), (err: unknown) => {
      assert.ok(err instanceof ProviderError);
      assert.match(JSON.stringify(err.issues), /merge keys \(<<\) are not accepted/);
      return true;
    });
    await assert.rejects(readFile(join(dir, 'd', 'kubeconfig'), 'utf8'), { code: 'ENOENT' });
  });

  it('validate refuses the attack before probing anything', async () => {
    const issues = await provider.validate(cluster('e', ATTACK));
    assert.match(issues.map((i) => i.message).join('\n'), /merge keys \(<<\) are not accepted/);
  });
});
