import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkEgressAddress,
  classifyAddress,
  DEFAULT_EGRESS_POLICY,
  egressDeniedMessage,
  parseEgressPolicy,
  type AddressClass,
} from './egress-policy.js';
import { parseCidr, parseIp } from './ip-address.js';

const classes: { given: string; expect: AddressClass }[] = [
  { given: '127.0.0.1', expect: 'loopback' },
  { given: '127.255.255.254', expect: 'loopback' },
  { given: '::1', expect: 'loopback' },
  { given: '[::1]', expect: 'loopback' },
  { given: '::ffff:127.0.0.1', expect: 'loopback' },
  { given: '::ffff:7f00:1', expect: 'loopback' },
  { given: '0:0:0:0:0:ffff:7f00:0001', expect: 'loopback' },
  { given: '64:ff9b::127.0.0.1', expect: 'loopback' },
  { given: '2002:7f00:1::', expect: 'loopback' },
  { given: '169.254.169.254', expect: 'link-local' },
  { given: '::ffff:169.254.169.254', expect: 'link-local' },
  { given: '::ffff:a9fe:a9fe', expect: 'link-local' },
  { given: 'fe80::1', expect: 'link-local' },
  { given: 'fe80::1%eth0', expect: 'link-local' },
  { given: '10.0.0.1', expect: 'private' },
  { given: '172.16.0.1', expect: 'private' },
  { given: '172.31.255.255', expect: 'private' },
  { given: '192.168.1.1', expect: 'private' },
  { given: '100.64.0.1', expect: 'private' },
  { given: '::ffff:10.1.2.3', expect: 'private' },
  { given: 'fd00::1', expect: 'private' },
  { given: 'fc00::1', expect: 'private' },
  { given: '0.0.0.0', expect: 'unspecified' },
  { given: '::', expect: 'unspecified' },
  { given: '224.0.0.1', expect: 'multicast' },
  { given: 'ff02::1', expect: 'multicast' },
  { given: '255.255.255.255', expect: 'reserved' },
  { given: '192.0.2.10', expect: 'reserved' },
  { given: '2001:db8::1', expect: 'reserved' },
  { given: '2001::1', expect: 'reserved' },
  { given: '::127.0.0.1', expect: 'reserved' },
  { given: '4000::1', expect: 'reserved' },
  { given: 'not-an-address', expect: 'reserved' },
  { given: '127.1', expect: 'reserved' },
  { given: '0127.0.0.1', expect: 'reserved' },
  { given: '1::2::3', expect: 'reserved' },
  { given: '172.15.255.255', expect: 'public' },
  { given: '172.32.0.1', expect: 'public' },
  { given: '8.8.8.8', expect: 'public' },
  { given: '::ffff:8.8.8.8', expect: 'public' },
  { given: '64:ff9b::8.8.8.8', expect: 'public' },
  { given: '2606:4700::1111', expect: 'public' },
];

describe('egress policy: address classes', () => {
  for (const row of classes) {
    it(`${row.given} is ${row.expect}`, () => {
      assert.equal(classifyAddress(row.given), row.expect);
    });
  }
});

describe('egress policy: decisions', () => {
  it('the default policy allows public addresses only', () => {
    assert.deepEqual(checkEgressAddress(DEFAULT_EGRESS_POLICY, '93.184.216.34'), { allowed: true });
    assert.deepEqual(checkEgressAddress(DEFAULT_EGRESS_POLICY, '2606:4700::1111'), { allowed: true });
    for (const [address, cls] of [
      ['127.0.0.1', 'loopback'],
      ['169.254.169.254', 'link-local'],
      ['10.0.0.1', 'private'],
      ['::ffff:192.168.0.1', 'private'],
    ] as const) {
      assert.deepEqual(checkEgressAddress(DEFAULT_EGRESS_POLICY, address), {
        allowed: false,
        address,
        class: cls,
      });
    }
  });

  it('an allowed range admits exactly its addresses, in either notation', () => {
    const { policy, issues } = parseEgressPolicy('127.0.0.0/8, 10.1.0.0/16,fd00::/8');
    assert.deepEqual(issues, []);
    for (const a of ['127.0.0.1', '127.9.9.9', '::ffff:127.0.0.1', '10.1.200.3', 'fd12::1']) {
      assert.deepEqual(checkEgressAddress(policy, a), { allowed: true }, a);
    }
    for (const a of ['::1', '10.2.0.1', '169.254.169.254', 'fc00::1']) {
      assert.equal(checkEgressAddress(policy, a).allowed, false, a);
    }
  });

  it('a bare address and an IPv4-mapped range are ranges too', () => {
    const { policy } = parseEgressPolicy(['::1', '::ffff:169.254.169.254/128']);
    assert.equal(checkEgressAddress(policy, '::1').allowed, true);
    assert.equal(checkEgressAddress(policy, '169.254.169.254').allowed, true);
    assert.equal(checkEgressAddress(policy, '169.254.169.253').allowed, false);
    assert.equal(checkEgressAddress(parseEgressPolicy('0.0.0.0/0').policy, '10.0.0.1').allowed, true);
  });

  it('entries that are not ranges are named', () => {
    assert.deepEqual(parseEgressPolicy('127.0.0.0/8,localhost,10.0.0.0/33,::ffff:0:0/95').issues, [
      '"localhost" is not an IP address range such as 127.0.0.0/8 or fd00::/8',
      '"10.0.0.0/33" is not an IP address range such as 127.0.0.0/8 or fd00::/8',
      '"::ffff:0:0/95" is not an IP address range such as 127.0.0.0/8 or fd00::/8',
    ]);
  });

  it('ranges are normalised to their network address', () => {
    assert.deepEqual(parseCidr('10.1.2.3/16')?.bytes, parseIp('10.1.0.0'));
    assert.deepEqual(parseCidr('fd00:1:2::/20')?.bytes, parseIp('fd00::'));
  });

  it('the refusal names an address as written, and only the class of what a name resolved to', () => {
    const denied = (address: string) => {
      const v = checkEgressAddress(DEFAULT_EGRESS_POLICY, address);
      assert.ok(!v.allowed);
      return v;
    };
    assert.equal(
      egressDeniedMessage('127.0.0.1', denied('127.0.0.1')),
      "egress to 127.0.0.1 is not allowed by this server's egress policy (an administrator can allow it with --egress-allow)",
    );
    assert.match(egressDeniedMessage('[::1]', denied('::1')), /^egress to ::1 is not allowed/);
    const named = egressDeniedMessage('db.internal', denied('10.20.30.40'));
    assert.match(named, /^egress to db\.internal \(a private address\) is not allowed/);
    assert.doesNotMatch(named, /10\.20/);
  });
});
