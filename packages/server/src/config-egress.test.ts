import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkEgressAddress } from '@strata/core';
import { parseServerArgs, type ServerConfig } from './config.js';

const parse = (argv: string[], env: NodeJS.ProcessEnv = {}) => parseServerArgs(argv, env) as ServerConfig;
const allows = (c: ServerConfig, address: string) => checkEgressAddress(c.egress, address).allowed;

describe('server config: --egress-allow', () => {
  it('denies loopback, link-local and private ranges when nothing is allowed', () => {
    const c = parse([]);
    assert.deepEqual(c.egress.allow, []);
    for (const a of ['127.0.0.1', '::1', '169.254.169.254', '10.0.0.1']) assert.equal(allows(c, a), false, a);
  });

  it('reads comma-separated and repeated flags, or the environment when no flag is given', () => {
    const c = parse(['--egress-allow', '127.0.0.0/8,fd00::/8', '--egress-allow', '10.20.0.0/16']);
    for (const a of ['127.0.0.1', 'fd00::1', '10.20.1.1']) assert.equal(allows(c, a), true, a);
    assert.equal(allows(c, '10.21.0.1'), false);
    const fromEnv = parse([], { STRATA_EGRESS_ALLOW: '192.168.0.0/16' });
    assert.equal(allows(fromEnv, '192.168.4.4'), true);
    assert.equal(
      allows(
        parse(['--egress-allow', '10.0.0.0/8'], { STRATA_EGRESS_ALLOW: '192.168.0.0/16' }),
        '192.168.4.4',
      ),
      false,
    );
  });

  it('a value that is not a range is an error naming the flag and the value', () => {
    assert.throws(
      () => parse(['--egress-allow', '127.0.0.0/8,localhost']),
      /--egress-allow: "localhost" is not an IP address range such as 127\.0\.0\.0\/8/,
    );
  });
});
