/** A tiny JSON client for e2e tests: every call returns status and body, and never throws on 4xx/5xx. */
export interface ApiResult {
  status: number;
  body: Record<string, unknown>;
  text: string;
}

export interface Api {
  call(method: string, path: string, body?: unknown): Promise<ApiResult>;
  /** Like call, but fails with the server's problem document unless the status is 2xx. */
  ok(method: string, path: string, body?: unknown): Promise<Record<string, unknown>>;
}

export function api(url: string, key: string): Api {
  const call = async (method: string, path: string, body?: unknown): Promise<ApiResult> => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // YAML or empty
    }
    return { status: res.status, body: parsed, text };
  };
  return {
    call,
    async ok(method, path, body) {
      const res = await call(method, path, body);
      if (res.status < 200 || res.status > 299) {
        throw new Error(`${method} ${path} → ${res.status}: ${res.text.slice(0, 2000)}`);
      }
      return res.body;
    },
  };
}
