/**
 * Requests to an agent that an API request waits for (import): an adoption preview (what the first apply of a
 * proposed stack would do to what already exists), or reading the objects selected for a generated profile. The
 * hand-off goes through the database so it works with several replicas: the asking request stores the request
 * (encrypted: it holds resolved values), the agent's long poll — on whichever replica it is parked — claims it and
 * delivers it, the agent posts its answer (encrypted: it can hold objects; to any replica), and the asking request,
 * polling, reads it. Nothing is kept once it has answered.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { AdoptionPreview, AgentRequest, ReadObjectsResult } from '@strata/api';
import type { AgentRequestRow } from '@strata/store';
import type { SecretCipher } from '../resources/secret-fields.js';

/** Storage of requests and answers (`AgentRequestRepository` of @strata/store). */
export interface AgentRequestStore {
  create(input: { id: string; clusterUid: string; request: string }): Promise<void>;
  waitingClusters(): Promise<Set<string>>;
  claim(clusterUid: string): Promise<AgentRequestRow | undefined>;
  answer(clusterUid: string, id: string, answer: string): Promise<boolean>;
  get(id: string): Promise<AgentRequestRow | undefined>;
  remove(id: string): Promise<void>;
  removeCluster(clusterUid: string): Promise<void>;
}

/** What a request asks, without its id (given when it is stored). */
export type AgentQuestion = AgentRequest extends infer R
  ? R extends AgentRequest
    ? Omit<R, 'id'>
    : never
  : never;

/** The agent's answer: what was asked for, or why it has none. */
export type AgentReply = { preview: AdoptionPreview } | { read: ReadObjectsResult } | { error: string };

/** What the asking request gets: the agent's answer, or why there is none. */
export type AgentOutcome =
  { preview: AdoptionPreview } | { read: ReadObjectsResult } | { unavailable: string };

const WHAT: Record<AgentRequest['type'], string> = {
  'adoption-preview': 'preview',
  'read-objects': 'object read',
};

export interface AgentRequestsOptions {
  store: AgentRequestStore;
  cipher: SecretCipher;
  /** How often a waiting plan re-reads the answer, and how long the list of waiting clusters is reused. */
  pollIntervalMs?: number;
  /** Called when a request is stored, so long polls parked on this replica look at once. */
  onRequest?: (clusterUid: string) => void;
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

export class AgentRequests {
  readonly #o: AgentRequestsOptions;
  readonly #pollMs: number;
  readonly #answered = new EventEmitter();
  #waiting: { at: number; clusters: Promise<Set<string>> } | undefined;

  constructor(options: AgentRequestsOptions) {
    this.#o = options;
    this.#pollMs = options.pollIntervalMs ?? 250;
    this.#answered.setMaxListeners(0);
  }

  /**
   * Asks the cluster's agent `question` and waits up to `timeoutMs` for its answer. Never throws for an agent that
   * does not answer: the outcome says why there is no answer.
   */
  async ask(
    clusterUid: string,
    question: AgentQuestion,
    options: { timeoutMs: number; signal?: AbortSignal },
  ): Promise<AgentOutcome> {
    const { store, cipher } = this.#o;
    const id = randomUUID();
    const what = WHAT[question.type];
    const request = { ...question, id } as AgentRequest;
    await store.create({ id, clusterUid, request: cipher.encrypt(JSON.stringify(request)) });
    this.#waiting = undefined;
    this.#o.onRequest?.(clusterUid);
    const started = Date.now();
    const deadline = started + options.timeoutMs;
    try {
      for (;;) {
        const row = await store.get(id);
        if (!row) return { unavailable: `the ${what} request was removed before the agent answered` };
        if (row.answer !== undefined) {
          const answer = JSON.parse(cipher.decrypt(row.answer)) as AgentReply;
          return 'error' in answer
            ? { unavailable: `the agent could not complete the ${what}: ${answer.error}` }
            : answer;
        }
        if (Date.now() >= deadline || options.signal?.aborted) {
          return {
            unavailable:
              row.claimedAt === undefined
                ? `the agent did not pick up the ${what} request within ${seconds(Date.now() - started)}`
                : `the agent did not answer within ${seconds(Date.now() - started)} (agents older than this server do not know ${what} requests)`,
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
  async claim(clusterUid: string): Promise<AgentRequest | undefined> {
    const row = await this.#o.store.claim(clusterUid);
    if (!row) {
      this.#waiting = undefined;
      return undefined;
    }
    return JSON.parse(this.#o.cipher.decrypt(row.request)) as AgentRequest;
  }

  /** Stores the agent's answer; false when no unanswered request of this cluster has that id. */
  async answer(clusterUid: string, id: string, answer: AgentReply): Promise<boolean> {
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
