import { isPlainObject, type JsonObject } from '@strata/core';

/** A Kubernetes object as JSON: what manifests, API responses and watch events are made of. */
export type KubeObject = JsonObject;

/** Identifies one object; `namespace` is absent for cluster-scoped objects. Also the DriftEntry `object` shape. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export function metadataOf(obj: KubeObject): JsonObject {
  const meta = obj.metadata;
  return isPlainObject(meta) ? meta : {};
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The object's reference, or undefined when apiVersion, kind or name is missing. */
export function refOf(obj: KubeObject): ObjectRef | undefined {
  const apiVersion = text(obj.apiVersion);
  const kind = text(obj.kind);
  const meta = metadataOf(obj);
  const name = text(meta.name);
  if (!apiVersion || !kind || !name) return undefined;
  const namespace = text(meta.namespace);
  return namespace ? { apiVersion, kind, namespace, name } : { apiVersion, kind, name };
}

/** The API group of an apiVersion (`apps/v1` → `apps`, `v1` → ``). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/**
 * A stable identity for maps and sets. The version is left out on purpose: `apps/v1` and a later `apps/v2` of the
 * same Deployment are one object to the API server.
 */
export function refKey(ref: ObjectRef): string {
  return `${groupOf(ref.apiVersion)}/${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

/** Human-readable form for messages: `Deployment apps/web` or `Namespace shop`. */
export function describeRef(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

/** `group/Kind` for per-kind bookkeeping (watches). */
export function kindKey(ref: Pick<ObjectRef, 'apiVersion' | 'kind'>): string {
  return `${groupOf(ref.apiVersion)}/${ref.kind}`;
}
