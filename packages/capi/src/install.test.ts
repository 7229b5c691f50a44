import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonValue } from '@strata/core';
import { prepareCrd, prepareWebhookConfigurations } from './install.js';

const endpoint = { port: 40123, caPem: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' };
const bundle = Buffer.from(endpoint.caPem).toString('base64');

function crd(versions: string[], extra: Record<string, JsonValue> = {}): JsonValue {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'devclusters.infrastructure.cluster.x-k8s.io', annotations: { a: 'b' } },
    spec: {
      group: 'infrastructure.cluster.x-k8s.io',
      versions: versions.map((name, i) => ({ name, served: true, storage: i === versions.length - 1 })),
    },
    status: { acceptedNames: { kind: '', plural: '' }, storedVersions: [] },
    ...extra,
  };
}

describe('prepareCrd', () => {
  it('labels every contract the CRD serves and its provider, and keeps its own metadata', () => {
    const out = prepareCrd(crd(['v1beta1', 'v1beta2']), 'infrastructure-in-memory', endpoint);
    assert.deepEqual(out.metadata['labels'], {
      'app.kubernetes.io/managed-by': 'strata',
      'cluster.x-k8s.io/v1beta1': 'v1beta1',
      'cluster.x-k8s.io/v1beta2': 'v1beta2',
      'cluster.x-k8s.io/provider': 'infrastructure-in-memory',
    });
    assert.deepEqual(out.metadata['annotations'], { a: 'b' });
    assert.equal('status' in out, false, 'status is not applied');
  });

  it('points conversion at the manager for a CRD with several versions', () => {
    const out = prepareCrd(crd(['v1beta1', 'v1beta2']), 'core', endpoint);
    assert.deepEqual((out['spec'] as Record<string, JsonValue>)['conversion'], {
      strategy: 'Webhook',
      webhook: {
        conversionReviewVersions: ['v1', 'v1beta1'],
        clientConfig: { url: 'https://127.0.0.1:40123/convert', caBundle: bundle },
      },
    });
  });

  it('leaves a single-version CRD without conversion and labels only the contract it serves', () => {
    const out = prepareCrd(crd(['v1beta2']), 'core', endpoint);
    assert.equal('conversion' in (out['spec'] as Record<string, JsonValue>), false);
    assert.equal((out.metadata['labels'] as Record<string, string>)['cluster.x-k8s.io/v1beta1'], undefined);
    assert.equal((out.metadata['labels'] as Record<string, string>)['cluster.x-k8s.io/v1beta2'], 'v1beta2');
  });

  it('ignores versions that are not served when choosing contract labels', () => {
    const doc = crd(['v1beta1', 'v1beta2']) as { spec: { versions: { served: boolean }[] } };
    doc.spec.versions[0]!.served = false;
    const out = prepareCrd(doc, 'core', endpoint);
    assert.equal((out.metadata['labels'] as Record<string, string>)['cluster.x-k8s.io/v1beta1'], undefined);
  });

  it('refuses a document that is not a CRD', () => {
    assert.throws(
      () => prepareCrd({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }, 'core', endpoint),
      /core CRD files hold something that is not a CustomResourceDefinition/,
    );
  });
});

describe('prepareWebhookConfigurations', () => {
  const upstream: JsonValue[] = [
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: { name: 'mutating-webhook-configuration' },
      webhooks: [
        {
          name: 'default.cluster.cluster.x-k8s.io',
          admissionReviewVersions: ['v1'],
          sideEffects: 'None',
          clientConfig: { service: { name: 'webhook-service', namespace: 'system', path: '/mutate-x' } },
        },
      ],
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: 'validating-webhook-configuration' },
      webhooks: [
        {
          name: 'validation.cluster.cluster.x-k8s.io',
          clientConfig: { service: { name: 'webhook-service', namespace: 'system', path: '/validate-x' } },
        },
      ],
    },
  ];

  it('rewrites every service reference to the loopback URL with the CA bundle, under Strata names', () => {
    const [mutating, validating] = prepareWebhookConfigurations(upstream, 'core', endpoint);
    assert.equal(mutating!.metadata.name, 'strata-capi-core-mutating');
    assert.equal(validating!.metadata.name, 'strata-capi-core-validating');
    const hook = (mutating!['webhooks'] as Record<string, JsonValue>[])[0]!;
    assert.deepEqual(hook['clientConfig'], { url: 'https://127.0.0.1:40123/mutate-x', caBundle: bundle });
    assert.equal(hook['sideEffects'], 'None', 'the rest of the entry is kept');
    assert.equal(
      (validating!.metadata['labels'] as Record<string, string>)['cluster.x-k8s.io/provider'],
      'core',
    );
  });

  it('refuses an entry without a service path', () => {
    const broken: JsonValue[] = [
      {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingWebhookConfiguration',
        metadata: { name: 'v' },
        webhooks: [{ name: 'w', clientConfig: { service: { name: 's', namespace: 'n' } } }],
      },
    ];
    assert.throws(
      () => prepareWebhookConfigurations(broken, 'core', endpoint),
      /webhook "w" names no service path/,
    );
  });

  it('refuses a document of another kind', () => {
    const other: JsonValue[] = [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } }];
    assert.throws(() => prepareWebhookConfigurations(other, 'core', endpoint), /holds a Service/);
  });
});
