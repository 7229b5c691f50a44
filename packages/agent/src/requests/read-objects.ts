/**
 * Reads objects the server asks for (import: the workloads selected for a generated profile), as the API server
 * returns them, with the agent's credentials. A read-only agent can do this: it only reads. Secrets are never read
 * for this (a profile would carry their values in clear); an object that cannot be read is reported with why.
 */
import type { ReadObjectsResult } from '@strata/api';
import { errorMessage } from '../errors.js';
import type { KubeClient } from '../kube/kube-client.js';
import type { KubeObject, ObjectRef } from '../kube/object-ref.js';
import { forEachLimited } from '../apply/pool.js';

/** Reads at most this many objects at a time. */
const PARALLEL_READS = 8;

/** Answers are bounded (the server accepts 16 MiB): objects past this many bytes of JSON are reported, not sent. */
const MAX_ANSWER_BYTES = 12 * 1024 * 1024;

export async function readObjects(
  kube: KubeClient,
  refs: readonly ObjectRef[],
  signal?: AbortSignal,
): Promise<ReadObjectsResult> {
  const found: (KubeObject | undefined)[] = new Array<KubeObject | undefined>(refs.length);
  const reasons: (string | undefined)[] = new Array<string | undefined>(refs.length);
  await forEachLimited(
    refs.map((ref, i) => ({ ref, i })),
    PARALLEL_READS,
    async ({ ref, i }) => {
      if (ref.apiVersion === 'v1' && ref.kind === 'Secret') {
        reasons[i] = 'Secrets are not copied into profiles (their values would be stored in clear)';
        return;
      }
      try {
        found[i] = await kube.get(ref, signal);
        if (!found[i]) reasons[i] = 'not found in the cluster (deleted since discovery?)';
      } catch (error) {
        reasons[i] = `cannot be read: ${errorMessage(error)}`;
      }
    },
  );
  const result: ReadObjectsResult = { objects: [], missing: [] };
  let bytes = 0;
  refs.forEach((ref, i) => {
    const object = found[i];
    if (object) {
      bytes += JSON.stringify(object).length;
      if (bytes <= MAX_ANSWER_BYTES) return void result.objects.push(object);
      reasons[i] = `left out: the objects read add up to more than ${MAX_ANSWER_BYTES / 1024 / 1024} MiB`;
    }
    result.missing.push({ object: ref, reason: reasons[i] ?? 'not read' });
  });
  return result;
}
