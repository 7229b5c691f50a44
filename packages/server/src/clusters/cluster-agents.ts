/**
 * The server's side of the agents: per-cluster tokens (only a hash is kept), desired-state revisions (encrypted at
 * rest: resolved values can hold sensitive variables), heartbeats, the wake-ups behind the long poll, and adoption
 * previews (adoption-previews.ts).
 */
import { EventEmitter } from 'node:events';
import {
  AGENT_DISCONNECTED_AFTER_SECONDS,
  AGENT_TOKEN_PREFIX,
  StrataError,
  type AdoptionPreviewRequest,
  type AgentMode,
  type DesiredStateMessage,
} from '@strata/api';
import { contentHash, type ResolvedStack } from '@strata/core';
import type { AgentIdentity, ClusterAgentRepository } from '@strata/store';
import { hashSecret, newSecret, secretMatches } from '../auth/tokens.js';
import type { SecretCipher } from '../resources/secret-fields.js';
import {
  AdoptionPreviews,
  type AdoptionPreviewStore,
  type PreviewAnswer,
  type PreviewOutcome,
} from './adoption-previews.js';

/** What a revision carries besides the stack. */
export interface DesiredState {
  stack: ResolvedStack;
  policy: DesiredStateMessage['policy'];
  mode: AgentMode;
}

export interface ClusterAgentsOptions {
  repository: ClusterAgentRepository;
  cipher: SecretCipher;
  /** How often a parked long poll re-reads the database (catches revisions published by other replicas). */
  pollIntervalMs?: number;
  /** Where adoption-preview requests and answers wait (in the database, for several replicas). Without it, plans
   * of imported clusters say that previews are not available. */
  previews?: AdoptionPreviewStore;
}

/** What ends a long poll: a newer revision, or an adoption preview to deliver. */
export type AgentWork = { revision: number } | { preview: AdoptionPreviewRequest };

export function formatAgentToken(clusterUid: string, secret: string): string {
  return `${AGENT_TOKEN_PREFIX}.${clusterUid}.${secret}`;
}

function parseAgentToken(token: string): { clusterUid: string; secret: string } | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== AGENT_TOKEN_PREFIX) return undefined;
  const [, clusterUid, secret] = parts as [string, string, string];
  return clusterUid && secret.length >= 20 ? { clusterUid, secret } : undefined;
}

export class ClusterAgents {
  readonly repository: ClusterAgentRepository;
  readonly #cipher: SecretCipher;
  readonly #pollMs: number;
  readonly #published = new EventEmitter();
  readonly #previews: AdoptionPreviews | undefined;

  constructor(options: ClusterAgentsOptions) {
    this.repository = options.repository;
    this.#cipher = options.cipher;
    this.#pollMs = options.pollIntervalMs ?? 1000;
    this.#published.setMaxListeners(0);
    this.#previews = options.previews
      ? new AdoptionPreviews({
          store: options.previews,
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

  async desired(clusterUid: string): Promise<(DesiredState & { revision: number }) | undefined> {
    const row = await this.repository.latest(clusterUid);
    if (!row) return undefined;
    return { ...(JSON.parse(this.#cipher.decrypt(row.document)) as DesiredState), revision: row.revision };
  }

  /**
   * The long poll: resolves with a revision above `after`, or with an adoption preview claimed for this agent, or
   * undefined after `timeoutMs` (or when `signal` aborts).
   */
  async nextWork(
    clusterUid: string,
    after: number,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<AgentWork | undefined> {
    const previews = this.#previews;
    const check = async (): Promise<AgentWork | undefined> => {
      const revision = (await this.repository.latest(clusterUid))?.revision ?? 0;
      if (revision > after) return { revision };
      if (!previews || !(await previews.waiting(clusterUid))) return undefined;
      const preview = await previews.claim(clusterUid);
      return preview ? { preview } : undefined;
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
   * `timeoutMs`. An agent that has not reported for AGENT_DISCONNECTED_AFTER_SECONDS is not asked at all.
   */
  async preview(
    clusterUid: string,
    stack: DesiredStateMessage['stack'],
    options: { timeoutMs: number; signal?: AbortSignal },
  ): Promise<PreviewOutcome> {
    if (!this.#previews) return { unavailable: 'this server has no store for adoption previews configured' };
    const record = await this.repository.get(clusterUid);
    const lastSeen = record?.lastSeen ? Date.parse(record.lastSeen) : undefined;
    if (lastSeen === undefined) return { unavailable: 'the agent of this cluster has not connected yet' };
    if (Date.now() - lastSeen > AGENT_DISCONNECTED_AFTER_SECONDS * 1000)
      return {
        unavailable: `the agent of this cluster is not connected (last report ${record?.lastSeen ?? '?'})`,
      };
    return this.#previews.request(clusterUid, stack, options);
  }

  /** The agent's answer to a preview request; false when this cluster has no unanswered request with that id. */
  async answerPreview(clusterUid: string, id: string, answer: PreviewAnswer): Promise<boolean> {
    return this.#previews ? this.#previews.answer(clusterUid, id, answer) : false;
  }

  async touch(clusterUid: string, agentVersion: string): Promise<void> {
    await this.repository.touch(clusterUid, new Date().toISOString(), agentVersion);
  }

  async remove(clusterUid: string): Promise<void> {
    await this.#previews?.removeCluster(clusterUid);
    await this.repository.remove(clusterUid);
  }
}
