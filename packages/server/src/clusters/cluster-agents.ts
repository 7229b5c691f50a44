/**
 * The server's side of the agents: per-cluster tokens (only a hash is kept), desired-state revisions (encrypted at
 * rest: resolved values can hold sensitive variables), heartbeats, and the wake-ups behind the long poll.
 */
import { EventEmitter } from 'node:events';
import { AGENT_TOKEN_PREFIX, StrataError, type AgentMode, type DesiredStateMessage } from '@strata/api';
import { contentHash, type ResolvedStack } from '@strata/core';
import type { AgentIdentity, ClusterAgentRepository } from '@strata/store';
import { hashSecret, newSecret, secretMatches } from '../auth/tokens.js';
import type { SecretCipher } from '../resources/secret-fields.js';

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
}

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

  constructor(options: ClusterAgentsOptions) {
    this.repository = options.repository;
    this.#cipher = options.cipher;
    this.#pollMs = options.pollIntervalMs ?? 1000;
    this.#published.setMaxListeners(0);
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

  /** Resolves when the cluster's revision exceeds `after`, or after `timeoutMs`, or when `signal` aborts. */
  async waitForRevision(
    clusterUid: string,
    after: number,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<number | undefined> {
    const current = async () => (await this.repository.latest(clusterUid))?.revision ?? 0;
    let revision = await current();
    if (revision > after) return revision;
    const deadline = Date.now() + timeoutMs;
    while (!signal?.aborted && Date.now() < deadline) {
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
      revision = await current();
      if (revision > after) return revision;
    }
    return undefined;
  }

  async touch(clusterUid: string, agentVersion: string): Promise<void> {
    await this.repository.touch(clusterUid, new Date().toISOString(), agentVersion);
  }

  async remove(clusterUid: string): Promise<void> {
    await this.repository.remove(clusterUid);
  }
}
