/**
 * What an embedded gateway installs into its management cluster, derived from the upstream files of the pinned
 * Cluster API version (pure; the files are read by gateway.ts):
 *
 * - every CRD, with the contract labels (`cluster.x-k8s.io/<contract>: <versions>`) the core controllers use to find
 *   a provider's API version, and — when it serves more than one version — a conversion webhook at the manager's
 *   loopback port (upstream sets both with kustomize, which we do not run);
 * - each component's mutating and validating webhook configurations, with the in-cluster Service reference
 *   rewritten to `https://127.0.0.1:<port><path>` and the webhook CA as `caBundle`.
 *
 * Objects are labelled `app.kubernetes.io/managed-by: strata` and `cluster.x-k8s.io/provider: <component>`, and
 * webhook configurations are named `strata-capi-<component>-{mutating,validating}`, so a human can tell what
 * Strata put on the gateway.
 */
import { isPlainObject, type JsonValue } from '@strata/core';
import type { CapiComponent } from './binaries.js';

export type KubeObject = Record<string, JsonValue> & {
  apiVersion: string;
  kind: string;
  metadata: Record<string, JsonValue> & { name: string };
};

export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'strata' } as const;
/** The contracts this Cluster API version speaks; a CRD gets a label for each of them it serves. */
const CONTRACTS = ['v1beta1', 'v1beta2'] as const;

export interface WebhookEndpoint {
  /** Loopback port the component's manager serves its webhooks on. */
  port: number;
  /** PEM of the CA that signed the manager's serving certificate. */
  caPem: string;
}

function caBundle(endpoint: WebhookEndpoint): string {
  return Buffer.from(endpoint.caPem, 'utf8').toString('base64');
}

function url(endpoint: WebhookEndpoint, path: string): string {
  return `https://127.0.0.1:${endpoint.port}${path}`;
}

function isKubeObject(value: JsonValue): value is KubeObject {
  return (
    isPlainObject(value) &&
    typeof value['apiVersion'] === 'string' &&
    typeof value['kind'] === 'string' &&
    isPlainObject(value['metadata']) &&
    typeof value['metadata']['name'] === 'string'
  );
}

function servedVersions(crd: KubeObject): string[] {
  const spec = crd['spec'];
  const versions = isPlainObject(spec) && Array.isArray(spec['versions']) ? spec['versions'] : [];
  return versions.flatMap((v) =>
    isPlainObject(v) && typeof v['name'] === 'string' && v['served'] !== false ? [v['name']] : [],
  );
}

function labelled(metadata: KubeObject['metadata'], labels: Record<string, string>): KubeObject['metadata'] {
  const existing = isPlainObject(metadata['labels']) ? metadata['labels'] : {};
  return { ...metadata, labels: { ...existing, ...MANAGED_BY, ...labels } };
}

/** A CRD ready to install: contract labels, provider label and (for several versions) the conversion webhook. */
export function prepareCrd(doc: JsonValue, component: CapiComponent, endpoint: WebhookEndpoint): KubeObject {
  if (!isKubeObject(doc) || doc.kind !== 'CustomResourceDefinition' || !isPlainObject(doc['spec'])) {
    throw new Error(`the ${component} CRD files hold something that is not a CustomResourceDefinition`);
  }
  const served = servedVersions(doc);
  const contracts = Object.fromEntries(
    CONTRACTS.filter((c) => served.includes(c)).map((c) => [`cluster.x-k8s.io/${c}`, c]),
  );
  const spec = { ...doc['spec'] };
  if (served.length > 1) {
    spec['conversion'] = {
      strategy: 'Webhook',
      webhook: {
        conversionReviewVersions: ['v1', 'v1beta1'],
        clientConfig: { url: url(endpoint, '/convert'), caBundle: caBundle(endpoint) },
      },
    };
  }
  const { status: _status, ...rest } = doc;
  return {
    ...rest,
    metadata: labelled(doc.metadata, { ...contracts, 'cluster.x-k8s.io/provider': component }),
    spec,
  };
}

/**
 * The component's webhook configurations pointed at its loopback port. Throws when an entry names no service path
 * (the manager could not serve it at a URL we can write).
 */
export function prepareWebhookConfigurations(
  docs: readonly JsonValue[],
  component: CapiComponent,
  endpoint: WebhookEndpoint,
): KubeObject[] {
  return docs.filter(isKubeObject).map((doc) => {
    const suffix = doc.kind === 'MutatingWebhookConfiguration' ? 'mutating' : 'validating';
    if (!['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'].includes(doc.kind)) {
      throw new Error(`the ${component} webhook file holds a ${doc.kind}, not a webhook configuration`);
    }
    const webhooks = Array.isArray(doc['webhooks']) ? doc['webhooks'] : [];
    return {
      apiVersion: doc.apiVersion,
      kind: doc.kind,
      metadata: labelled(
        { name: `strata-capi-${component}-${suffix}` },
        { 'cluster.x-k8s.io/provider': component },
      ),
      webhooks: webhooks.map((hook) => {
        if (!isPlainObject(hook))
          throw new Error(`the ${component} webhook file has an entry that is not an object`);
        const config = isPlainObject(hook['clientConfig']) ? hook['clientConfig'] : {};
        const service = isPlainObject(config['service']) ? config['service'] : {};
        const path = service['path'];
        if (typeof path !== 'string' || !path.startsWith('/')) {
          const name = typeof hook['name'] === 'string' ? hook['name'] : '(unnamed)';
          throw new Error(`the ${component} webhook "${name}" names no service path`);
        }
        return { ...hook, clientConfig: { url: url(endpoint, path), caBundle: caBundle(endpoint) } };
      }),
    };
  });
}
