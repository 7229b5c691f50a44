/**
 * Kubeconfigs that two YAML readers would read differently (ours, YAML 1.2, and helm's, YAML 1.1 where `<<` merges
 * maps), each with what the refusal must say. The server is loopback port 1: even a wrongly accepted one reaches
 * nothing. Used by the provider's unit tests and the API tests of imports.
 */
export interface KubeconfigAttack {
  name: string;
  kubeconfig: string;
  /** What the refusal's message says. */
  message: RegExp;
}

const head = `apiVersion: v1
kind: Config
current-context: main
clusters:
- name: c
  cluster:
    server: https://127.0.0.1:1
`;

export const kubeconfigAttacks: readonly KubeconfigAttack[] = [
  {
    name: 'a context merging in user evil beside user decoy, and evil merging in exec',
    kubeconfig: `${head}contexts:
- name: main
  context:
    <<: {user: evil}
    cluster: c
    user: decoy
users:
- name: decoy
  user: {token: harmless}
- name: evil
  user:
    <<: {exec: {apiVersion: client.authentication.k8s.io/v1, command: sh, args: [-c, 'touch /tmp/pwned']}}
`,
    message: /line 11, column 5: merge keys \(<<\) are not accepted[^]*line 19, column 5: merge keys/,
  },
  {
    name: 'a merged tokenFile (the admin key file) beside an inline token',
    kubeconfig: `${head}contexts: [{name: main, context: {cluster: c, user: u}}]
users:
- name: u
  user:
    token: decoy
    <<: {tokenFile: /var/lib/strata/admin.key}
`,
    message: /merge keys \(<<\) are not accepted/,
  },
  {
    name: 'anchors and aliases',
    kubeconfig: `${head}contexts: [{name: main, context: {cluster: c, user: u}}]
users: [{name: u, user: &u {token: t}}, {name: v, user: *u}]
`,
    message: /anchors \(&u\) are not accepted[^]*aliases \(\*u\) are not accepted/,
  },
  {
    name: 'a !!binary tag',
    kubeconfig: `${head}contexts: [{name: main, context: {cluster: c, user: u}}]
users: [{name: u, user: {token: !!binary dG9rZW4=}}]
`,
    message: /tags \(tag:yaml.org,2002:binary\) are not accepted/,
  },
  {
    name: 'a custom tag',
    kubeconfig: `${head}contexts: [{name: main, context: {cluster: c, user: u}}]
users: [{name: u, user: !custom {token: t}}]
`,
    message: /tags \(!custom\) are not accepted/,
  },
];

/** Kubeconfigs with an entry that is null (they once crashed validation), and the path the refusal names. */
export const kubeconfigNullEntries: readonly { name: string; kubeconfig: string; path: string }[] = (
  ['clusters', 'users', 'contexts'] as const
).map((section) => ({
  name: `${section}: [null]`,
  path: `/spec/kubeconfig/${section}/0`,
  kubeconfig: `apiVersion: v1
kind: Config
current-context: main
clusters: [{name: c, cluster: {server: https://127.0.0.1:1}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: main, context: {cluster: c, user: u}}]
`.replace(new RegExp(`^${section}: .*$`, 'm'), `${section}: [null]`),
}));
