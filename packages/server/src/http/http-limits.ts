import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { StrataError, type ErrorCode } from '@strata/api';
import { MAX_REQUEST_HEADERS } from './request-guards.js';

/** How long a client may take to send a request, and how large its headers may be. */
export interface HttpLimits {
  /** The whole request — headers and body — must arrive within this (408 after). Not the response. */
  requestTimeoutMs: number;
  /** The headers must arrive within this. At most `requestTimeoutMs`. */
  headersTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /**
   * A connection on which nothing moves for this long is closed. Longer than the longest silent response: the agent
   * long poll (60 s); watches send a bookmark every 15 s.
   */
  idleTimeoutMs: number;
  /** Largest total size of a request's headers (431 above). */
  maxHeaderBytes: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  keepAliveTimeoutMs: 72_000,
  idleTimeoutMs: 120_000,
  maxHeaderBytes: 16 * 1024,
};

/** How long a refused client may go on sending what it started before its connection is cut. */
const LINGER_MS = 2_000;

/**
 * The handler for requests Node's HTTP parser refused (too many or too large headers, timeout, malformed): answers
 * with problem+json, then closes the connection. The rest of what the client sends is read and dropped for a moment first: closing while
 * it is still sending would reset the connection, and the client would never see the answer.
 */
export function clientErrorAnswer(limits: Pick<HttpLimits, 'maxHeaderBytes'>) {
  return (err: Error & { code?: string }, socket: Socket) => answerClientError(err, socket, limits);
}

function answerClientError(
  err: Error & { code?: string },
  socket: Socket,
  limits: Pick<HttpLimits, 'maxHeaderBytes'>,
): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const code: ErrorCode =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? 'STRATA_HEADERS_TOO_LARGE'
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 'STRATA_REQUEST_TIMEOUT'
        : 'STRATA_BAD_REQUEST';
  const detail =
    code === 'STRATA_HEADERS_TOO_LARGE'
      ? // Node's parser refuses both too many headers (from Node 22) and too many bytes with this one code.
        `the request headers are too many or too large: a request may have at most ${MAX_REQUEST_HEADERS} headers of ${limits.maxHeaderBytes} bytes in all`
      : code === 'STRATA_REQUEST_TIMEOUT'
        ? 'the request did not arrive in time'
        : 'the request could not be parsed as HTTP';
  const e = new StrataError(code, detail);
  const body = JSON.stringify(e.toProblem());
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${e.status} ${STATUS_CODES[e.status] ?? 'Error'}\r\nContent-Type: application/problem+json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.on('data', () => undefined);
  socket.end();
  setTimeout(() => socket.destroy(), LINGER_MS).unref();
}
