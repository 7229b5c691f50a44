import type { Issue } from '@strata/api';
import type { KindHooks } from '../resources/kind-hooks.js';

/**
 * A user name or password in `spec.url` would be stored, returned and copied into status and events in clear:
 * refused, pointing to the write-only, encrypted `spec.credentials`. Checked with the URL parser the index reader
 * uses, so what is refused here is exactly what it would have sent.
 */
export function packSourceUrlIssues(url: unknown): Issue[] {
  if (typeof url !== 'string') return [];
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [{ path: '/spec/url', message: 'is not a valid URL' }];
  }
  if (parsed.username === '' && parsed.password === '') return [];
  return [
    {
      path: '/spec/url',
      message:
        'must not contain a user name or password (it would be stored and shown in clear); put them in spec.credentials, which is write-only and encrypted',
    },
  ];
}

export function packSourceHooks(): KindHooks {
  return {
    async validate(_ctx, input) {
      return packSourceUrlIssues(input.spec.url);
    },
  };
}
