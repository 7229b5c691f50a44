import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kubeconfigAttacks, kubeconfigNullEntries } from '@strata/testing';
import { stringify } from 'yaml';
import { canonicalizeKubeconfig, parseImportKubeconfig } from './import-kubeconfig.js';

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
    [
      'a plain-http server',
      { token: 't' },
      { server: 'http://10.0.0.1:8080' },
      '/spec/kubeconfig/clusters/c/server',
    ],
    ['no credentials', {}, {}, '/spec/kubeconfig/users/u'],
    ['impersonation', { token: 't', as: 'system:admin' }, {}, '/spec/kubeconfig/users/u/as'],
    [
      'a proxy',
      { token: 't' },
      { 'proxy-url': 'http://10.0.0.2:3128' },
      '/spec/kubeconfig/clusters/c/proxy-url',
    ],
    [
      'a non-boolean insecure flag',
      { token: 't' },
      { 'insecure-skip-tls-verify': 'yes' },
      '/spec/kubeconfig/clusters/c/insecure-skip-tls-verify',
    ],
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

  it('hands on only the canonical kubeconfig: JSON, one cluster, one user, one context', () => {
    const given = kubeconfig({ token: 'abc' }).replace(
      'kind: Config',
      'kind: Config\npreferences: {colors: true}',
    );
    const { kubeconfig: canonical, issues } = canonicalizeKubeconfig(given);
    assert.deepEqual(issues, []);
    assert.deepEqual(JSON.parse(canonical ?? ''), {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'imported',
          cluster: { server: 'https://10.0.0.1:6443', 'certificate-authority-data': 'Q0E=' },
        },
      ],
      users: [{ name: 'imported', user: { token: 'abc' } }],
      contexts: [{ name: 'imported', context: { cluster: 'imported', user: 'imported' } }],
      'current-context': 'imported',
    });
    assert.deepEqual(canonicalizeKubeconfig(canonical ?? '').kubeconfig, canonical, 'a fixed point');
  });
});

/** What our reader and helm's (YAML 1.1: `<<` merges) could read differently: refused before anything is used. */
describe('import kubeconfig: what two YAML readers could read differently is refused', () => {
  for (const attack of kubeconfigAttacks) {
    it(`refuses ${attack.name}`, () => {
      const result = parseImportKubeconfig(attack.kubeconfig);
      assert.equal(result.target, undefined);
      assert.match(result.issues.map((i) => i.message).join('\n'), attack.message);
      assert.ok(result.issues.every((i) => i.path === '/spec/kubeconfig'));
    });
  }

  const withUsers = (users: string, user = 'u') => `apiVersion: v1
kind: Config
current-context: main
clusters: [{name: c, cluster: {server: https://127.0.0.1:1}}]
contexts: [{name: main, context: {cluster: c, user: ${user}}}]
users: ${users}
`;

  it('reads name: yes as the string "yes", as the agent and helm do', () => {
    assert.equal(
      parseImportKubeconfig(withUsers('[{name: yes, user: {token: t}}]', 'yes')).target?.token,
      't',
    );
  });

  it('refuses names that are not strings, naming the entry', () => {
    assert.deepEqual(
      parseImportKubeconfig(withUsers('[{name: 1, user: {token: t}}, {name: u, user: {token: t}}]')).issues,
      [{ path: '/spec/kubeconfig/users/0/name', message: 'the name must be a non-empty string' }],
    );
  });

  it('refuses the same name twice (readers differ on which one wins)', () => {
    const text = withUsers('[{name: u, user: {token: first}}, {name: u, user: {token: second}}]');
    assert.match(parseImportKubeconfig(text).issues[0]?.message ?? '', /"u" is used twice in users/);
  });

  for (const entry of kubeconfigNullEntries) {
    it(`refuses ${entry.name} with the path of the entry`, () => {
      const result = parseImportKubeconfig(entry.kubeconfig);
      assert.equal(result.target, undefined);
      assert.equal(result.issues[0]?.path, entry.path);
    });
  }
});
