/** Readiness probes (HTTPS with the admin client cert, or plain HTTP for etcd) and a polling helper. */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';

export interface TlsMaterial {
  ca: string;
  /** Client certificate and key, when the server asks for one. */
  cert?: string;
  key?: string;
}

export interface ProbeResult {
  status: number;
  body: string;
}

/** GET `url`; HTTPS when `tls` is given. Never throws: connection errors give status 0. */
export function probe(url: string, tls?: TlsMaterial, timeoutMs = 3000): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const options = { method: 'GET', timeout: timeoutMs, agent: false as const, ...(tls ?? {}) };
    const req = (tls ? httpsRequest : httpRequest)(url, options, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', () => resolve({ status: 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => resolve({ status: 0, body: err.message }));
    req.end();
  });
}

export interface WaitOptions {
  what: string;
  timeoutMs: number;
  intervalMs?: number;
  /** Called each round; a thrown error aborts the wait (e.g. the process died). */
  check?: () => Promise<void>;
}

/** Polls `ready` until it returns true; throws `<what> not ready after Ns: <last detail>` on timeout. */
export async function waitUntil(ready: () => Promise<boolean | string>, options: WaitOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let detail = '';
  for (;;) {
    const result = await ready();
    if (result === true) return;
    if (typeof result === 'string') detail = result;
    if (options.check) await options.check();
    if (Date.now() > deadline) {
      throw new Error(
        `${options.what} not ready after ${Math.round(options.timeoutMs / 1000)}s${detail ? `: ${detail}` : ''}`,
      );
    }
    await sleep(options.intervalMs ?? 200);
  }
}
