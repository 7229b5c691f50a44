import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stringify } from 'yaml';
import { parseImportKubeconfig } from './import-kubeconfig.js';

function kubeconfig(user: Record<string, unknown>, cluster: Record<string, unknown> = {}): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'c',
        cluster: { server: 'https://10.0.0.1:6443', 'certificate-authority-data': 'Q0E=', ...cluster },
      },
    ],
    users: [{ name: 'u', user }],
    contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
    'current-context': 'ctx',
  });
}

describe('import kubeconfig', () => {
  it('accepts inline token or client certificate credentials', () => {
    const token = parseImportKubeconfig(kubeconfig({ token: 'abc' }));
    assert.deepEqual(token.issues, []);
    assert.deepEqual(token.target, {
      server: 'https://10.0.0.1:6443',
      caData: 'Q0E=',
      insecureSkipTlsVerify: false,
      token: 'abc',
    });
    const cert = parseImportKubeconfig(
      kubeconfig({ 'client-certificate-data': 'Qw==', 'client-key-data': 'Sw==' }),
    );
    assert.equal(cert.target?.clientCertData, 'Qw==');
  });

  const refused: [string, Record<string, unknown>, Record<string, unknown>, string][] = [
    ['exec', { exec: { command: 'aws', args: ['eks', 'get-token'] } }, {}, '/spec/kubeconfig/users/u/exec'],
    ['auth-provider', { 'auth-provider': { name: 'gcp' } }, {}, '/spec/kubeconfig/users/u/auth-provider'],
    ['a token file', { tokenFile: '/etc/passwd' }, {}, '/spec/kubeconfig/users/u/tokenFile'],
    [
      'a client certificate file',
      { 'client-certificate': '/root/c.pem', 'client-key-data': 'Sw==' },
      {},
      '/spec/kubeconfig/users/u/client-certificate',
    ],
    [
      'a CA file',
      { token: 't' },
      { 'certificate-authority': '/etc/ca.pem' },
      '/spec/kubeconfig/clusters/c/certificate-authority',
    ],
    ['a plain-http server', { token: 't' }, { server: 'http://10.0.0.1:8080' }, '/spec/kubeconfig/clusters'],
    ['no credentials', {}, {}, '/spec/kubeconfig/users'],
  ];
  for (const [what, user, cluster, path] of refused) {
    it(`refuses ${what}, naming ${path}`, () => {
      const result = parseImportKubeconfig(kubeconfig(user, cluster));
      assert.equal(result.target, undefined);
      assert.ok(
        result.issues.some((i) => i.path === path),
        JSON.stringify(result.issues),
      );
    });
  }

  it('refuses what is not a kubeconfig', () => {
    assert.match(parseImportKubeconfig('kind: Pod').issues[0]?.message ?? '', /not a kubeconfig/);
    assert.match(parseImportKubeconfig('{').issues[0]?.message ?? '', /not a kubeconfig/);
  });
});
