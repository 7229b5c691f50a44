/**
 * Keeps the last desired state in a Secret in the agent namespace (values can hold secrets), gzip-compressed, so a
 * restarted agent keeps enforcing it while the server is unreachable, and resumes its long poll from that revision.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { isPlainObject } from '@strata/core';
import { AgentError } from '../errors.js';
import type { KubeClient } from '../kube/kube-client.js';
import type { ObjectRef } from '../kube/object-ref.js';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../apply/labels.js';

export const DESIRED_STATE_SECRET = 'strata-desired-state';
const DATA_KEY = 'desired-state.json.gz';
/** A Secret holds at most 1 MiB; leave room for metadata. */
const MAX_BYTES = 1000 * 1024;

export class DesiredStateStore {
  private readonly kube: KubeClient;
  private readonly namespace: string;

  constructor(kube: KubeClient, namespace: string) {
    this.kube = kube;
    this.namespace = namespace;
  }

  private get ref(): ObjectRef {
    return { apiVersion: 'v1', kind: 'Secret', namespace: this.namespace, name: DESIRED_STATE_SECRET };
  }

  /** The raw message last saved, or undefined when there is none (or it cannot be read). */
  async load(signal?: AbortSignal): Promise<unknown> {
    const secret = await this.kube.get(this.ref, signal);
    const data = secret && isPlainObject(secret.data) ? secret.data : {};
    const encoded = data[DATA_KEY];
    if (typeof encoded !== 'string') return undefined;
    try {
      return JSON.parse(gunzipSync(Buffer.from(encoded, 'base64')).toString('utf8')) as unknown;
    } catch {
      return undefined;
    }
  }

  async save(raw: unknown, signal?: AbortSignal): Promise<void> {
    const bytes = gzipSync(Buffer.from(JSON.stringify(raw), 'utf8'));
    if (bytes.length > MAX_BYTES)
      throw new AgentError(
        'StateTooLarge',
        `the desired state is ${bytes.length} bytes compressed; a Secret holds ${MAX_BYTES}`,
      );
    await this.kube.apply(
      {
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'Opaque',
        metadata: {
          name: DESIRED_STATE_SECRET,
          namespace: this.namespace,
          labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE },
        },
        data: { [DATA_KEY]: bytes.toString('base64') },
      },
      this.ref,
      { force: true, signal },
    );
  }
}
