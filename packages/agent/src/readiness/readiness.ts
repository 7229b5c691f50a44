/**
 * Is a live object ready? Pure: looks only at the object. Workloads count as ready when their controller has seen
 * the current spec (observedGeneration) and the rollout finished; Jobs when complete; CRDs when Established.
 * Every other kind is ready as soon as the API server accepted it.
 */
import { isPlainObject, type JsonObject } from '@strata/core';
import { metadataOf, type KubeObject } from '../kube/object-ref.js';

export type Readiness =
  | { state: 'ready' }
  | { state: 'progressing'; reason: string }
  /** Will not become ready by waiting (a failed Job). */
  | { state: 'failed'; reason: string };

const READY: Readiness = { state: 'ready' };

function obj(value: unknown): JsonObject {
  return isPlainObject(value) ? value : {};
}
function num(value: unknown, fallback = 0): number {
  return typeof value === 'number' ? value : fallback;
}

function conditionStatus(
  status: JsonObject,
  type: string,
): { status?: string; message?: string } | undefined {
  const conditions = Array.isArray(status.conditions) ? status.conditions : [];
  const c = conditions.find((x) => isPlainObject(x) && x.type === type);
  if (!isPlainObject(c)) return undefined;
  return {
    ...(typeof c.status === 'string' ? { status: c.status } : {}),
    ...(typeof c.message === 'string' ? { message: c.message } : {}),
  };
}

/** The controller has not yet acted on the newest spec. */
function stale(o: KubeObject, status: JsonObject): Readiness | undefined {
  const generation = num(metadataOf(o).generation);
  const observed = num(status.observedGeneration, -1);
  return observed < generation
    ? { state: 'progressing', reason: `waiting for the controller to observe generation ${generation}` }
    : undefined;
}

function deployment(o: KubeObject): Readiness {
  const status = obj(o.status);
  const want = num(obj(o.spec).replicas, 1);
  const progressing = conditionStatus(status, 'Progressing');
  if (progressing?.status === 'False')
    return {
      state: 'failed',
      reason: `rollout failed: ${progressing.message ?? 'progress deadline exceeded'}`,
    };
  const waiting = stale(o, status);
  if (waiting) return waiting;
  const updated = num(status.updatedReplicas);
  const available = num(status.availableReplicas);
  const total = num(status.replicas);
  if (updated < want) return { state: 'progressing', reason: `${updated} of ${want} replicas updated` };
  if (total > updated)
    return { state: 'progressing', reason: `${total - updated} old replicas pending termination` };
  if (available < want) return { state: 'progressing', reason: `${available} of ${want} replicas available` };
  return READY;
}

function statefulSet(o: KubeObject): Readiness {
  const status = obj(o.status);
  const want = num(obj(o.spec).replicas, 1);
  const waiting = stale(o, status);
  if (waiting) return waiting;
  const ready = num(status.readyReplicas);
  const updated = num(status.updatedReplicas);
  const strategy = obj(obj(o.spec).updateStrategy).type;
  if (strategy !== 'OnDelete' && updated < want)
    return { state: 'progressing', reason: `${updated} of ${want} replicas updated` };
  if (ready < want) return { state: 'progressing', reason: `${ready} of ${want} replicas ready` };
  if (strategy !== 'OnDelete' && status.updateRevision && status.currentRevision !== status.updateRevision)
    return { state: 'progressing', reason: 'rolling update in progress' };
  return READY;
}

function daemonSet(o: KubeObject): Readiness {
  const status = obj(o.status);
  const waiting = stale(o, status);
  if (waiting) return waiting;
  const want = num(status.desiredNumberScheduled);
  const updated = num(status.updatedNumberScheduled);
  const available = num(status.numberAvailable);
  if (updated < want) return { state: 'progressing', reason: `${updated} of ${want} pods updated` };
  if (available < want) return { state: 'progressing', reason: `${available} of ${want} pods available` };
  return READY;
}

function job(o: KubeObject): Readiness {
  const status = obj(o.status);
  if (conditionStatus(status, 'Complete')?.status === 'True') return READY;
  const failed = conditionStatus(status, 'Failed');
  if (failed?.status === 'True')
    return { state: 'failed', reason: `job failed: ${failed.message ?? 'Failed'}` };
  return { state: 'progressing', reason: 'job not complete' };
}

function crd(o: KubeObject): Readiness {
  const status = obj(o.status);
  if (conditionStatus(status, 'Established')?.status === 'True') return READY;
  const names = conditionStatus(status, 'NamesAccepted');
  if (names?.status === 'False')
    return { state: 'failed', reason: `names not accepted: ${names.message ?? 'NamesAccepted=False'}` };
  return { state: 'progressing', reason: 'not Established yet' };
}

const CHECKS: Record<string, (o: KubeObject) => Readiness> = {
  'apps/Deployment': deployment,
  'apps/StatefulSet': statefulSet,
  'apps/DaemonSet': daemonSet,
  'batch/Job': job,
  'apiextensions.k8s.io/CustomResourceDefinition': crd,
};

export function readinessOf(o: KubeObject): Readiness {
  const apiVersion = typeof o.apiVersion === 'string' ? o.apiVersion : '';
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const check = CHECKS[`${group}/${typeof o.kind === 'string' ? o.kind : ''}`];
  return check ? check(o) : READY;
}

/** Whether readiness of this kind needs waiting at all (everything else is ready once accepted). */
export function hasReadinessCheck(apiVersion: string, kind: string): boolean {
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  return `${group}/${kind}` in CHECKS;
}
