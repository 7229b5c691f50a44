import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import {
  credentialsFromKubeconfig,
  credentialsFromKubeconfigFile,
  inClusterCredentials,
  loadKubeCredentials,
} from './credentials.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

function kubeconfig(user: Record<string, unknown>, cluster: Record<string, unknown> = {}): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': 'main',
    contexts: [
      { name: 'other', context: { cluster: 'nowhere', user: 'nobody' } },
      { name: 'main', context: { cluster: 'c', user: 'u' } },
    ],
    clusters: [{ name: 'c', cluster: { server: 'https://10.0.0.1:6443', ...cluster } }],
    users: [{ name: 'u', user }],
  });
}

describe('kube credentials', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'strata-creds-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('reads the current context: server, inline CA, client certificate and key', async () => {
    const c = credentialsFromKubeconfig(
      kubeconfig(
        { 'client-certificate-data': b64('CERT'), 'client-key-data': b64('KEY') },
        { 'certificate-authority-data': b64('CA'), 'tls-server-name': 'kubernetes' },
      ),
    );
    assert.equal(c.server.toString(), 'https://10.0.0.1:6443/');
    assert.equal(c.tls.ca?.toString(), 'CA');
    assert.equal(c.tls.cert?.toString(), 'CERT');
    assert.equal(c.tls.key?.toString(), 'KEY');
    assert.equal(c.tls.servername, 'kubernetes');
    assert.equal(c.tls.rejectUnauthorized, true);
    assert.equal(await c.authorization(), undefined);
  });

  it('resolves file references relative to the kubeconfig and honours insecure-skip-tls-verify', async () => {
    await writeFile(join(dir, 'ca.crt'), 'FILE-CA');
    await writeFile(join(dir, 'token'), 'file-token\n');
    const path = join(dir, 'config');
    await writeFile(
      path,
      kubeconfig(
        { tokenFile: 'token' },
        { 'certificate-authority': 'ca.crt', 'insecure-skip-tls-verify': true },
      ),
    );
    const c = credentialsFromKubeconfigFile(path);
    assert.equal(c.tls.ca?.toString(), 'FILE-CA');
    assert.equal(c.tls.rejectUnauthorized, false);
    assert.equal(await c.authorization(), 'Bearer file-token');
  });

  it('sends a token or basic credentials', async () => {
    assert.equal(await credentialsFromKubeconfig(kubeconfig({ token: 'abc' })).authorization(), 'Bearer abc');
    assert.equal(
      await credentialsFromKubeconfig(kubeconfig({ username: 'ann', password: 'pw' })).authorization(),
      `Basic ${b64('ann:pw')}`,
    );
  });

  it('refuses exec and auth-provider users, naming the user and the mechanism', () => {
    assert.throws(
      () => credentialsFromKubeconfig(kubeconfig({ exec: { command: 'aws' } })),
      /user "u" authenticates with exec; strata-agent accepts tokens and client certificates only/,
    );
    assert.throws(
      () => credentialsFromKubeconfig(kubeconfig({ 'auth-provider': { name: 'gcp' } })),
      /authenticates with auth-provider/,
    );
  });

  it('names what is missing or broken', async () => {
    assert.throws(() => credentialsFromKubeconfig('a: [b'), /not valid YAML/);
    assert.throws(() => credentialsFromKubeconfig('kind: Config\n'), /no current-context/);
    assert.throws(
      () =>
        credentialsFromKubeconfig(kubeconfig({}).replace('current-context: main', 'current-context: gone')),
      /no context named "gone"/,
    );
    assert.throws(
      () => credentialsFromKubeconfig(kubeconfig({}, { 'certificate-authority': join(dir, 'missing.crt') })),
      /cannot use the kubeconfig's context "main": .*missing\.crt/,
    );
    assert.throws(() => credentialsFromKubeconfigFile(join(dir, 'absent')), /cannot read the kubeconfig/);
  });

  it('reads the JSON kubeconfig Strata stores for an imported cluster', async () => {
    const json = JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'imported',
          cluster: { server: 'https://127.0.0.1:6443', 'certificate-authority-data': b64('CA') },
        },
      ],
      users: [{ name: 'imported', user: { token: 'tok' } }],
      contexts: [{ name: 'imported', context: { cluster: 'imported', user: 'imported' } }],
      'current-context': 'imported',
    });
    const c = credentialsFromKubeconfig(json);
    assert.equal(c.server.toString(), 'https://127.0.0.1:6443/');
    assert.equal(c.tls.ca?.toString(), 'CA');
    assert.equal(await c.authorization(), 'Bearer tok');
  });

  it('refuses what helm (YAML 1.1) would read differently: merge keys, anchors, tags', () => {
    const merged = kubeconfig({ token: 'decoy' }).replace(
      '    token: decoy',
      '    token: decoy\n    <<: {tokenFile: /etc/strata/admin-key}',
    );
    assert.match(merged, /<<: \{tokenFile/);
    assert.throws(() => credentialsFromKubeconfig(merged), /merge keys \(<<\) are not accepted/);
    assert.throws(
      () => credentialsFromKubeconfig(kubeconfig({ token: 'x' }).replace('token: x', 'token: !!binary eA==')),
      /tags .* are not accepted/,
    );
    assert.throws(
      () => credentialsFromKubeconfig(kubeconfig({ token: 'x' }).replace('token: x', 'token: &t x')),
      /anchors \(&t\) are not accepted/,
    );
  });

  it('uses the pod service account in a cluster, and says so when not in one', async () => {
    const sa = join(dir, 'sa');
    await rm(sa, { recursive: true, force: true });
    await mkdir(sa);
    await writeFile(join(sa, 'ca.crt'), 'SA-CA');
    await writeFile(join(sa, 'token'), 'sa-token');
    const c = inClusterCredentials(
      { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' },
      sa,
    );
    assert.equal(c.server.toString(), 'https://[fd00::1]/');
    assert.equal(c.tls.ca?.toString(), 'SA-CA');
    assert.equal(await c.authorization(), 'Bearer sa-token');
    assert.throws(() => loadKubeCredentials(undefined, { HOME: dir }), /not running in a pod/);
  });

  it('takes $KUBECONFIG before the defaults', async () => {
    const path = join(dir, 'env-config');
    await writeFile(path, kubeconfig({ token: 'from-env' }));
    const c = loadKubeCredentials(undefined, { KUBECONFIG: `${path}:/nonexistent` });
    assert.equal(await c.authorization(), 'Bearer from-env');
  });
});
