/**
 * HTTP client for the agent endpoints (docs/contracts/agent-protocol.md). Every request carries the token
 * (read from its file each time, so a rotated token mounted from a Secret is picked up without a restart) and the
 * protocol version. Failures are typed: unreachable and 5xx are retriable; 401 means the token was rejected.
 */
import { readFile } from 'node:fs/promises';
import {
  AGENT_EPOCH_HEADER,
  AGENT_PROTOCOL,
  AGENT_PROTOCOL_HEADER,
  type AgentAnswer,
  type AgentStatusReport,
  type BundledChartMessage,
  type StatusAck,
} from '@strata/api';
import { isPlainObject } from '@strata/core';
import { AgentError, errorMessage, linkSignals } from '../errors.js';
import { AGENT_VERSION } from '../version.js';
import type { AgentPosition } from './desired-state.js';

export interface ServerClientOptions {
  serverUrl: string;
  tokenFile: string;
  /** Extra time on top of waitSeconds before a long poll counts as lost. */
  graceMs?: number;
}

export class ServerRejectedError extends AgentError {
  readonly status: number;
  readonly serverCode: string;

  constructor(status: number, serverCode: string, message: string) {
    // 401/403 (token rejected or rotated) and 409 (protocol) need a change elsewhere, but the agent keeps trying
    // with backoff: the operator may fix the token file, the server may be upgraded.
    super(
      status === 409 && serverCode === 'STRATA_PROTOCOL_UNSUPPORTED'
        ? 'ProtocolUnsupported'
        : 'ServerRejected',
      message,
      {
        retriable: status === 429 || status >= 500,
      },
    );
    this.status = status;
    this.serverCode = serverCode;
    this.name = 'ServerRejectedError';
  }
}

export interface ServerClient {
  /** The new desired state (raw message), or undefined when nothing changed within waitSeconds. */
  /** The long poll, from where the agent stands (its epoch goes in the Strata-Epoch header). */
  desiredState(since: AgentPosition, waitSeconds: number, signal?: AbortSignal): Promise<unknown>;
  postStatus(report: AgentStatusReport, signal?: AbortSignal): Promise<StatusAck>;
  chart(digest: string, signal?: AbortSignal): Promise<BundledChartMessage>;
  /** Answers a request of the server (see DesiredStateMessage.request). */
  postAnswer(answer: AgentAnswer, signal?: AbortSignal): Promise<void>;
}

export class HttpServerClient implements ServerClient {
  private readonly base: URL;
  private readonly graceMs: number;

  private readonly options: ServerClientOptions;

  constructor(options: ServerClientOptions) {
    this.options = options;
    this.base = new URL(options.serverUrl.endsWith('/') ? options.serverUrl : `${options.serverUrl}/`);
    this.graceMs = options.graceMs ?? 15_000;
  }

  private async token(): Promise<string> {
    try {
      return (await readFile(this.options.tokenFile, 'utf8')).trim();
    } catch (error) {
      throw new AgentError(
        'InvalidOptions',
        `cannot read the token file ${this.options.tokenFile}: ${errorMessage(error)}`,
        {
          retriable: true,
        },
      );
    }
  }

  private async call(
    method: 'GET' | 'POST',
    path: string,
    init: { body?: unknown; timeoutMs: number; signal?: AbortSignal; headers?: Record<string, string> },
  ): Promise<{ status: number; body: unknown }> {
    const token = await this.token();
    const linked = linkSignals([init.signal], init.timeoutMs);
    let res: Response;
    let text: string;
    try {
      res = await fetch(new URL(path, this.base), {
        method,
        signal: linked.signal,
        headers: {
          authorization: `Bearer ${token}`,
          [AGENT_PROTOCOL_HEADER]: String(AGENT_PROTOCOL),
          'user-agent': `strata-agent/${AGENT_VERSION}`,
          accept: 'application/json',
          ...init.headers,
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });
      text = await res.text();
    } catch (error) {
      if (init.signal?.aborted) throw new AgentError('Aborted', 'request aborted', { retriable: true });
      throw new AgentError(
        'ServerUnreachable',
        `server ${this.base.origin} unreachable: ${errorMessage(error)}`,
        {
          retriable: true,
          cause: error,
        },
      );
    } finally {
      linked.dispose();
    }
    let body: unknown = undefined;
    if (text !== '') {
      try {
        body = JSON.parse(text) as unknown;
      } catch {
        body = undefined;
      }
    }
    if (res.status >= 400) {
      const error =
        isPlainObject(body) && isPlainObject(body.error) ? body.error : isPlainObject(body) ? body : {};
      const code = typeof error.code === 'string' ? error.code : '';
      const message =
        typeof error.message === 'string'
          ? error.message
          : typeof error.detail === 'string'
            ? error.detail
            : '';
      throw new ServerRejectedError(
        res.status,
        code,
        `${method} ${path}: HTTP ${res.status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}`,
      );
    }
    return { status: res.status, body };
  }

  async desiredState(since: AgentPosition, waitSeconds: number, signal?: AbortSignal): Promise<unknown> {
    const path = `v1/agent/desired-state?after=${since.revision}&waitSeconds=${waitSeconds}`;
    const res = await this.call('GET', path, {
      timeoutMs: waitSeconds * 1000 + this.graceMs,
      signal,
      ...(since.epoch ? { headers: { [AGENT_EPOCH_HEADER]: since.epoch } } : {}),
    });
    return res.status === 204 ? undefined : res.body;
  }

  async postStatus(report: AgentStatusReport, signal?: AbortSignal): Promise<StatusAck> {
    const res = await this.call('POST', 'v1/agent/status', { body: report, timeoutMs: 15_000, signal });
    const revision = isPlainObject(res.body) && typeof res.body.revision === 'number' ? res.body.revision : 0;
    return { revision };
  }

  async postAnswer(answer: AgentAnswer, signal?: AbortSignal): Promise<void> {
    await this.call('POST', 'v1/agent/answer', { body: answer, timeoutMs: 30_000, signal });
  }

  async chart(digest: string, signal?: AbortSignal): Promise<BundledChartMessage> {
    const res = await this.call('GET', `v1/agent/charts/${encodeURIComponent(digest)}`, {
      timeoutMs: 60_000,
      signal,
    });
    const b = res.body;
    if (!isPlainObject(b) || typeof b.name !== 'string' || typeof b.version !== 'string')
      throw new AgentError('InvalidMessage', `chart ${digest}: the response is not a chart`);
    const files: Record<string, string> = {};
    if (isPlainObject(b.files))
      for (const [k, v] of Object.entries(b.files)) if (typeof v === 'string') files[k] = v;
    return {
      name: b.name,
      version: b.version,
      ...(typeof b.archive === 'string' ? { archive: b.archive } : {}),
      ...(Object.keys(files).length > 0 ? { files } : {}),
    };
  }
}
