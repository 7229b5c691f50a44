/**
 * Kubeconfig files. Written as JSON, which every kubeconfig reader (client-go, kubectl, helm, kwok,
 * @kubernetes/client-node) accepts because YAML is a superset of JSON.
 */
import type { PemPair } from './pki.js';

export interface KubeconfigOptions {
  clusterName: string;
  server: string;
  caPem: string;
  user: string;
  client: PemPair;
}

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

export function renderKubeconfig(options: KubeconfigOptions): string {
  const context = `${options.user}@${options.clusterName}`;
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: options.clusterName,
        cluster: { server: options.server, 'certificate-authority-data': b64(options.caPem) },
      },
    ],
    users: [
      {
        name: options.user,
        user: {
          'client-certificate-data': b64(options.client.cert),
          'client-key-data': b64(options.client.key),
        },
      },
    ],
    contexts: [{ name: context, context: { cluster: options.clusterName, user: options.user } }],
    'current-context': context,
    preferences: {},
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
