/**
 * The server's side of the agents: per-cluster tokens (only a hash is kept; agent-tokens.ts), desired-state revisions (encrypted at
 * rest: resolved values can hold sensitive variables), heartbeats, the wake-ups behind the long poll, and requests
 * the server waits for an agent to answer (agent-requests.ts: adoption previews, object reads).
 */
import { EventEmitter } from 'node:events';
import {
  AGENT_DISCONNECTED_AFTER_SECONDS,
  StrataError,
  type AdoptionPreview,
  type AgentMode,
  type AgentObjectRef,
  type AgentRequest,
  type DesiredStateMessage,
  type ReadObjectsResult,
} from '@strata/api';
import { contentHash, type ResolvedStack } from '@strata/core';
import type { AgentIdentity, ClusterAgentRepository } from '@strata/store';
import { hashSecret, newSecret, secretMatches } from '../auth/tokens.js';
import type { SecretCipher } from '../resources/secret-fields.js';
import {
  AgentRequests,
  type AgentOutcome,
  type AgentQuestion,
  type AgentReply,
  type AgentRequestStore,
} from './agent-requests.js';
import { formatAgentToken, parseAgentToken } from './agent-tokens.js';

/** What a revision carries besides the stack. */
export interface DesiredState {
  stack: ResolvedStack;
  policy: DesiredStateMessage['policy'];
  mode: AgentMode;
  /** The values of the cluster's sensitive variables: what the agent reports is masked with them. Never sent. */
  secrets?: string[];
}

export interface ClusterAgentsOptions {
  repository: ClusterAgentRepository;
  cipher: SecretCipher;
  /** How often a parked long poll re-reads the database (catches revisions published by other replicas). */
  pollIntervalMs?: number;
  /** Where requests to agents and their answers wait (in the database, for several replicas). Without it, plans
   * of imported clusters say that previews are not available, and objects cannot be read through agents. */
  requests?: AgentRequestStore;
  /** An agent silent for longer is not asked anything (STRATA_AGENT_TIMEOUT_SECONDS; default 90 s). */
  agentTimeoutMs?: number;
}

/** What ends a long poll: a newer revision, or a request to deliver. */
export type AgentWork = { revision: number } | { request: AgentRequest };

export class ClusterAgents {
  readonly repository: ClusterAgentRepository;
  readonly #cipher: SecretCipher;
  readonly #pollMs: number;
  readonly #published = new EventEmitter();
  readonly #requests: AgentRequests | undefined;
  readonly #agentTimeoutMs: number;
  /** Per cluster: the newest revision's sensitive values, decrypted once per revision (status reports are masked). */
  readonly #secrets = new Map<string, { revision: number; secrets: string[] }>();

  constructor(options: ClusterAgentsOptions) {
    this.repository = options.repository;
    this.#cipher = options.cipher;
    this.#pollMs = options.pollIntervalMs ?? 1000;
    this.#published.setMaxListeners(0);
    this.#agentTimeoutMs = options.agentTimeoutMs ?? AGENT_DISCONNECTED_AFTER_SECONDS * 1000;
    this.#requests = options.requests
      ? new AgentRequests({
          store: options.requests,
          cipher: options.cipher,
          onRequest: (clusterUid) => this.#published.emit(clusterUid, 0),
        })
      : undefined;
  }

  /** Issues (or rotates to) a new token; the previous one stops working at once. Returns the token: show it once. */
  async issueToken(identity: AgentIdentity): Promise<string> {
    const secret = newSecret();
    await this.repository.setToken(identity, hashSecret(secret), new Date().toISOString());
    return formatAgentToken(identity.clusterUid, secret);
  }

  async hasToken(clusterUid: string): Promise<boolean> {
    return (await this.repository.get(clusterUid)) !== undefined;
  }

  /** The cluster a bearer token belongs to; 401 for anything else (same answer for unknown and wrong tokens). */
  async authenticate(authorization: string | undefined): Promise<AgentIdentity> {
    const denied = new StrataError('STRATA_UNAUTHENTICATED', 'a valid agent token is required');
    const match = /^Bearer (\S+)$/.exec(authorization ?? '');
    const parsed = match ? parseAgentToken(match[1]!) : undefined;
    if (!parsed) throw denied;
    const record = await this.repository.get(parsed.clusterUid);
    if (!record || !secretMatches(parsed.secret, record.tokenHash)) throw denied;
    return record;
  }

  /** Publishes the desired state; a new revision only when it differs from the newest. Returns the revision. */
  async publish(clusterUid: string, desired: DesiredState): Promise<{ revision: number; changed: boolean }> {
    const hash = contentHash({ stack: desired.stack.hash, policy: desired.policy, mode: desired.mode });
    const before = await this.repository.latest(clusterUid);
    const document = this.#cipher.encrypt(JSON.stringify(desired));
    const revision = await this.repository.publish(clusterUid, hash, document, new Date().toISOString());
    const changed = revision !== before?.revision;
    if (changed) this.#published.emit(clusterUid, revision);
    return { revision, changed };
  }

  /**
   * The newest revision and the values of the sensitive variables it was resolved with, to mask what the agent
   * reports. Every status report asks: the document is decrypted only when the revision is new.
   */
  async newest(clusterUid: string): Promise<{ revision: number; secrets: string[] }> {
    const row = await this.repository.latest(clusterUid);
    if (!row) return { revision: 0, secrets: [] };
    const cached = this.#secrets.get(clusterUid);
    if (cached?.revision === row.revision) return cached;
    const desired = JSON.parse(this.#cipher.decrypt(row.document)) as DesiredState;
    const entry = { revision: row.revision, secrets: desired.secrets ?? [] };
    this.#secrets.set(clusterUid, entry);
    return entry;
  }

  async desired(clusterUid: string): Promise<(DesiredState & { revision: number }) | undefined> {
    const row = await this.repository.latest(clusterUid);
    if (!row) return undefined;
    return { ...(JSON.parse(this.#cipher.decrypt(row.document)) as DesiredState), revision: row.revision };
  }

  /**
   * The long poll: resolves with a revision above `after`, or with a request claimed for this agent, or
   * undefined after `timeoutMs` (or when `signal` aborts).
   */
  async nextWork(
    clusterUid: string,
    after: number,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<AgentWork | undefined> {
    const requests = this.#requests;
    const check = async (): Promise<AgentWork | undefined> => {
      const revision = (await this.repository.latest(clusterUid))?.revision ?? 0;
      if (revision > after) return { revision };
      if (!requests || !(await requests.waiting(clusterUid))) return undefined;
      const request = await requests.claim(clusterUid);
      return request ? { request } : undefined;
    };
    let work = await check();
    const deadline = Date.now() + timeoutMs;
    while (!work && !signal?.aborted && Date.now() < deadline) {
      const wait = Math.min(this.#pollMs, deadline - Date.now());
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.#published.off(clusterUid, done);
          signal?.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, wait);
        this.#published.on(clusterUid, done);
        signal?.addEventListener('abort', done, { once: true });
      });
      if (signal?.aborted) break;
      work = await check();
    }
    return work;
  }

  /**
   * Asks the cluster's agent what applying `stack` would do to what already exists (import), waiting up to
   * `timeoutMs`.
   */
  async preview(
    clusterUid: string,
    stack: DesiredStateMessage['stack'],
    options: { timeoutMs: number; signal?: AbortSignal },
  ): Promise<{ preview: AdoptionPreview } | { unavailable: string }> {
    const outcome = await this.#ask(clusterUid, { type: 'adoption-preview', stack }, options);
    return 'read' in outcome
      ? { unavailable: 'the agent answered with something else than a preview' }
      : outcome;
  }

  /** Reads `objects` through the cluster's agent (with its credentials), waiting up to `timeoutMs`. */
  async readObjects(
    clusterUid: string,
    objects: AgentObjectRef[],
    options: { timeoutMs: number; signal?: AbortSignal },
  ): Promise<{ read: ReadObjectsResult } | { unavailable: string }> {
    const outcome = await this.#ask(clusterUid, { type: 'read-objects', objects }, options);
    return 'preview' in outcome
      ? { unavailable: 'the agent answered with something else than objects' }
      : outcome;
  }

  /** An agent that has not reported within the agent timeout is not asked at all. */
  async #ask(
    clusterUid: string,
    question: AgentQuestion,
    options: { timeoutMs: number; signal?: AbortSignal },
  ): Promise<AgentOutcome> {
    if (!this.#requests) return { unavailable: 'this server has no store for agent requests configured' };
    const record = await this.repository.get(clusterUid);
    const lastSeen = record?.lastSeen ? Date.parse(record.lastSeen) : undefined;
    if (lastSeen === undefined) return { unavailable: 'the agent of this cluster has not connected yet' };
    if (Date.now() - lastSeen > this.#agentTimeoutMs)
      return {
        unavailable: `the agent of this cluster is not connected (last report ${record?.lastSeen ?? '?'})`,
      };
    return this.#requests.ask(clusterUid, question, options);
  }

  /** The agent's answer to a request; false when this cluster has no unanswered request with that id. */
  async answer(clusterUid: string, id: string, answer: AgentReply): Promise<boolean> {
    return this.#requests ? this.#requests.answer(clusterUid, id, answer) : false;
  }

  async touch(clusterUid: string, agentVersion: string): Promise<void> {
    await this.repository.touch(clusterUid, new Date().toISOString(), agentVersion);
  }

  async remove(clusterUid: string): Promise<void> {
    this.#secrets.delete(clusterUid);
    await this.#requests?.removeCluster(clusterUid);
    await this.repository.remove(clusterUid);
  }
}
