import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseServerArgs, type ServerConfig } from './config.js';

const parse = (argv: string[], env: NodeJS.ProcessEnv = {}) => parseServerArgs(argv, env) as ServerConfig;

describe('server request timeouts', () => {
  it('default to 30 s for a whole request and 10 s for its headers', () => {
    const c = parse([]);
    assert.equal(c.requestTimeoutMs, 30_000);
    assert.equal(c.headersTimeoutMs, 10_000);
  });
  it('are set by flags, or by environment variables', () => {
    assert.equal(parse(['--request-timeout', '60']).requestTimeoutMs, 60_000);
    assert.equal(parse([], { STRATA_HEADERS_TIMEOUT_SECONDS: '5' }).headersTimeoutMs, 5_000);
  });
  for (const [name, argv, message] of [
    ['zero', ['--request-timeout', '0'], /--request-timeout must be a number of seconds from 1 to 3600/],
    ['not a number', ['--headers-timeout', '10s'], /--headers-timeout must be/],
    [
      'headers longer than the request',
      ['--request-timeout', '5', '--headers-timeout', '6'],
      /may not be longer/,
    ],
  ] as const) {
    it(`refuse ${name}`, () => assert.throws(() => parse([...argv]), message));
  }
});
