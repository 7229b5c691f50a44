/**
 * The agent as Kubernetes objects, for clusters whose provider does not run the agent itself:
 * `strata cluster agent-manifest NAME | kubectl apply -f -`. Least privilege per mode: `full` may manage any object
 * a layer contains (layers are arbitrary manifests and charts, so this is cluster-admin-equivalent); `read-only`
 * may only read, and the agent then never writes to the cluster.
 */
import { stringify } from 'yaml';
import type { AgentMode } from '@strata/api';
import { agentArgs } from '@strata/provider-sdk';

export const AGENT_NAMESPACE = 'strata-system';
export const AGENT_IMAGE = 'ghcr.io/strata-dev/strata-agent:0.1.0';

export interface AgentManifestOptions {
  serverUrl: string;
  token: string;
  mode: AgentMode;
  image?: string;
}

export function renderAgentManifest(o: AgentManifestOptions): string {
  const labels = { 'app.kubernetes.io/name': 'strata-agent', 'app.kubernetes.io/managed-by': 'strata' };
  const meta = (name: string, namespaced = true) => ({
    name,
    ...(namespaced ? { namespace: AGENT_NAMESPACE } : {}),
    labels,
  });
  const rules =
    o.mode === 'full'
      ? [
          { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
          { nonResourceURLs: ['*'], verbs: ['get'] },
        ]
      : [{ apiGroups: ['*'], resources: ['*'], verbs: ['get', 'list', 'watch'] }];
  const docs = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: AGENT_NAMESPACE, labels } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta('strata-agent') },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: meta(`strata-agent-${o.mode}`, false),
      rules,
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: meta('strata-agent', false),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `strata-agent-${o.mode}` },
      subjects: [{ kind: 'ServiceAccount', name: 'strata-agent', namespace: AGENT_NAMESPACE }],
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: meta('strata-agent-token'),
      type: 'Opaque',
      stringData: { token: o.token },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta('strata-agent'),
      spec: {
        replicas: 1,
        strategy: { type: 'Recreate' },
        selector: { matchLabels: { 'app.kubernetes.io/name': 'strata-agent' } },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: 'strata-agent',
            securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [
              {
                name: 'agent',
                image: o.image ?? AGENT_IMAGE,
                args: agentArgs({
                  serverUrl: o.serverUrl,
                  tokenFile: '/var/run/strata/token',
                  mode: o.mode,
                  namespace: AGENT_NAMESPACE,
                  listen: '0.0.0.0:8080',
                }),
                ports: [{ name: 'http', containerPort: 8080 }],
                livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 20 },
                resources: {
                  requests: { cpu: '50m', memory: '96Mi' },
                  limits: { memory: '384Mi' },
                },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ['ALL'] },
                },
                volumeMounts: [
                  { name: 'token', mountPath: '/var/run/strata', readOnly: true },
                  { name: 'tmp', mountPath: '/tmp' },
                ],
              },
            ],
            volumes: [
              { name: 'token', secret: { secretName: 'strata-agent-token', defaultMode: 0o400 } },
              { name: 'tmp', emptyDir: {} },
            ],
          },
        },
      },
    },
  ];
  return docs.map((d) => stringify(d)).join('---\n');
}
