/**
 * Adoption previews (import): a plan for an imported cluster asks the cluster's agent what the first apply of the
 * proposed stack would do to what already exists. The hand-off goes through the database so it works with several
 * replicas: the plan request stores the request (encrypted: it holds resolved values), the agent's long poll — on
 * whichever replica it is parked — claims it and delivers it, the agent posts its answer (to any replica), and the
 * plan request, polling, reads it. Nothing is kept once the plan has answered.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { AdoptionPreview, AdoptionPreviewRequest, DesiredStateMessage } from '@strata/api';
import type { AdoptionPreviewRow } from '@strata/store';
import type { SecretCipher } from '../resources/secret-fields.js';

/** Storage of requests and answers (`AdoptionPreviewRepository` of @strata/store). */
export interface AdoptionPreviewStore {
  create(input: { id: string; clusterUid: string; request: string }): Promise<void>;
  waitingClusters(): Promise<Set<string>>;
  claim(clusterUid: string): Promise<AdoptionPreviewRow | undefined>;
  answer(clusterUid: string, id: string, answer: string): Promise<boolean>;
  get(id: string): Promise<AdoptionPreviewRow | undefined>;
  remove(id: string): Promise<void>;
  removeCluster(clusterUid: string): Promise<void>;
}

/** The agent's answer: a preview, or why it has none. */
export type PreviewAnswer = { preview: AdoptionPreview } | { error: string };

export type PreviewOutcome = { preview: AdoptionPreview } | { unavailable: string };

export interface AdoptionPreviewsOptions {
  store: AdoptionPreviewStore;
  cipher: SecretCipher;
  /** How often a waiting plan re-reads the answer, and how long the list of waiting clusters is reused. */
  pollIntervalMs?: number;
  /** Called when a request is stored, so long polls parked on this replica look at once. */
  onRequest?: (clusterUid: string) => void;
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

export class AdoptionPreviews {
  readonly #o: AdoptionPreviewsOptions;
  readonly #pollMs: number;
  readonly #answered = new EventEmitter();
  #waiting: { at: number; clusters: Promise<Set<string>> } | undefined;

  constructor(options: AdoptionPreviewsOptions) {
    this.#o = options;
    this.#pollMs = options.pollIntervalMs ?? 250;
    this.#answered.setMaxListeners(0);
  }

  /**
   * Asks the cluster's agent for a preview of `stack` and waits up to `timeoutMs` for its answer. Never throws for
   * an agent that does not answer: the outcome says why there is no preview.
   */
  async request(
    clusterUid: string,
    stack: DesiredStateMessage['stack'],
    options: { timeoutMs: number; signal?: AbortSignal },
  ): Promise<PreviewOutcome> {
    const { store, cipher } = this.#o;
    const id = randomUUID();
    const request: AdoptionPreviewRequest = { id, stack };
    await store.create({ id, clusterUid, request: cipher.encrypt(JSON.stringify(request)) });
    this.#waiting = undefined;
    this.#o.onRequest?.(clusterUid);
    const started = Date.now();
    const deadline = started + options.timeoutMs;
    try {
      for (;;) {
        const row = await store.get(id);
        if (!row) return { unavailable: 'the preview request was removed before the agent answered' };
        if (row.answer !== undefined) {
          const answer = JSON.parse(cipher.decrypt(row.answer)) as PreviewAnswer;
          return 'preview' in answer
            ? { preview: answer.preview }
            : { unavailable: `the agent could not compute the preview: ${answer.error}` };
        }
        if (Date.now() >= deadline || options.signal?.aborted) {
          return {
            unavailable:
              row.claimedAt === undefined
                ? `the agent did not pick up the preview request within ${seconds(Date.now() - started)}`
                : `the agent did not answer within ${seconds(Date.now() - started)} (agents older than this server do not compute adoption previews)`,
          };
        }
        await this.#sleep(id, Math.min(this.#pollMs, deadline - Date.now()), options.signal);
      }
    } finally {
      await store.remove(id);
    }
  }

  /** Whether a request waits for this cluster's agent (the list is read once per interval for all long polls). */
  async waiting(clusterUid: string): Promise<boolean> {
    const now = Date.now();
    if (!this.#waiting || now - this.#waiting.at >= this.#pollMs * 4) {
      const clusters = this.#o.store.waitingClusters();
      this.#waiting = { at: now, clusters };
      clusters.catch(() => {
        this.#waiting = undefined;
      });
    }
    return (await this.#waiting.clusters).has(clusterUid);
  }

  /** Claims a waiting request for delivery to the agent (once: another long poll does not get it too). */
  async claim(clusterUid: string): Promise<AdoptionPreviewRequest | undefined> {
    const row = await this.#o.store.claim(clusterUid);
    if (!row) {
      this.#waiting = undefined;
      return undefined;
    }
    return JSON.parse(this.#o.cipher.decrypt(row.request)) as AdoptionPreviewRequest;
  }

  /** Stores the agent's answer; false when no unanswered request of this cluster has that id. */
  async answer(clusterUid: string, id: string, answer: PreviewAnswer): Promise<boolean> {
    const stored = await this.#o.store.answer(clusterUid, id, this.#o.cipher.encrypt(JSON.stringify(answer)));
    if (stored) this.#answered.emit(id);
    return stored;
  }

  async removeCluster(clusterUid: string): Promise<void> {
    await this.#o.store.removeCluster(clusterUid);
  }

  #sleep(id: string, ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#answered.off(id, done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.#answered.on(id, done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}
