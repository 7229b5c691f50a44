/** The stack the agent tests deploy: informational os/k8s layers, a CRD with a custom resource, a Helm chart, apps. */
import type { JsonObject } from '@strata/core';
import { stackLayer } from './cluster-helpers.js';

export const WIDGET_CRD: JsonObject = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.demo.strata.dev' },
  spec: {
    group: 'demo.strata.dev',
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: { type: 'object', properties: { size: { type: 'integer' }, color: { type: 'string' } } },
            },
          },
        },
      },
    ],
  },
};

export function crdLayer(): JsonObject {
  return stackLayer('base', 'widgets', {
    manifests: [
      WIDGET_CRD,
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' } },
      {
        apiVersion: 'demo.strata.dev/v1',
        kind: 'Widget',
        metadata: { name: 'w1', namespace: 'demo' },
        spec: { size: 3, color: 'blue' },
      },
    ],
  });
}

export function helmLayer(
  repoUrl: string,
  values: JsonObject = { replicaCount: 2, greeting: 'hello' },
): JsonObject {
  return stackLayer('base', 'hello', {
    helm: {
      releaseName: 'hello',
      namespace: 'hello',
      chart: { name: 'hello', version: '0.1.0', repository: repoUrl },
      values,
    },
  });
}

export function deployment(
  name: string,
  namespace: string,
  replicas: number,
  extraSpec: JsonObject = {},
): JsonObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }],
          ...extraSpec,
        },
      },
    },
  };
}

export function appLayer(options: { color?: string; withPreexisting?: boolean } = {}): JsonObject {
  return stackLayer('base', 'shop', {
    manifests: [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'shop-config', namespace: 'shop' },
        data: { color: options.color ?? 'blue', size: 'L' },
      },
      ...(options.withPreexisting === false
        ? []
        : [
            {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              metadata: { name: 'preexisting', namespace: 'default' },
              data: { addedBy: 'strata' },
            },
          ]),
      deployment('shop-web', 'shop', 2),
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'shop-web', namespace: 'shop' },
        spec: { selector: { app: 'shop-web' }, ports: [{ port: 80, targetPort: 80 }] },
      },
    ],
  });
}

export function extraLayer(): JsonObject {
  return stackLayer('base', 'extra', {
    manifests: [
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'extra', namespace: 'shop' },
        data: { a: '1' },
      },
    ],
  });
}

export function infoLayers(): JsonObject[] {
  return [stackLayer('base', 'ubuntu', { layer: 'os' }), stackLayer('base', 'kubernetes', { layer: 'k8s' })];
}
