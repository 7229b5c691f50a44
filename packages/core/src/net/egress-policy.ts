/**
 * The egress policy: which addresses the server may connect to on a user's behalf (PackSource indexes, imported
 * clusters). Public unicast addresses are allowed; loopback, link-local (the cloud metadata address among them),
 * private, unspecified, multicast and reserved addresses are denied unless an admin allowed a range that holds them.
 * Pure: the caller resolves host names and checks every address before connecting to one of them.
 */
import { ipInRange, parseCidr, parseIp, type Cidr, type IpBytes } from './ip-address.js';

export type AddressClass =
  'public' | 'loopback' | 'link-local' | 'private' | 'unspecified' | 'multicast' | 'reserved';

export interface EgressPolicy {
  /** Ranges allowed although not public (`--egress-allow`). */
  readonly allow: readonly Cidr[];
}

/** Public addresses only. */
export const DEFAULT_EGRESS_POLICY: EgressPolicy = { allow: [] };

/** `[range, class]`; the first match wins, so narrower ranges come first. `embedded-v4`: the inner IPv4's class. */
type Rule<C> = readonly [network: string, prefix: number, cls: C];

const IPV4_RULES: readonly Rule<AddressClass>[] = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'private'], // shared address space (carrier-grade NAT)
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'], // includes the metadata address 169.254.169.254
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'reserved'],
  ['192.88.99.0', 24, 'reserved'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'],
  ['198.51.100.0', 24, 'reserved'],
  ['203.0.113.0', 24, 'reserved'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'], // includes 255.255.255.255
];

const IPV6_RULES: readonly Rule<AddressClass | 'embedded-v4'>[] = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['::', 96, 'reserved'], // IPv4-compatible (deprecated)
  ['64:ff9b::', 96, 'embedded-v4'], // NAT64: the class of the IPv4 address it reaches
  ['64:ff9b:1::', 48, 'private'],
  ['100::', 64, 'reserved'],
  ['2001:db8::', 32, 'reserved'],
  ['2001::', 23, 'reserved'], // IETF protocol assignments, Teredo among them
  ['2002::', 16, 'embedded-v4'], // 6to4
  ['fc00::', 7, 'private'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'private'], // site-local (deprecated)
  ['ff00::', 8, 'multicast'],
];

const compile = <C>(rules: readonly Rule<C>[]) =>
  rules.map(([network, prefix, cls]) => ({ network: parseIp(network)!, prefix, cls }));
const V4 = compile(IPV4_RULES);
const V6 = compile(IPV6_RULES);
const GLOBAL_UNICAST_V6 = parseIp('2000::')!;

function classifyBytes(bytes: IpBytes): AddressClass {
  if (bytes.length === 4) return V4.find((r) => ipInRange(bytes, r.network, r.prefix))?.cls ?? 'public';
  const rule = V6.find((r) => ipInRange(bytes, r.network, r.prefix));
  if (rule?.cls === 'embedded-v4') {
    // NAT64 carries the IPv4 address in the last 4 bytes, 6to4 in bytes 2..5.
    const inner = rule.prefix === 96 ? bytes.slice(12) : bytes.slice(2, 6);
    return classifyBytes(inner);
  }
  if (rule) return rule.cls;
  return ipInRange(bytes, GLOBAL_UNICAST_V6, 3) ? 'public' : 'reserved';
}

/** The class of an address; text that is not an address is `reserved` (never connected to). */
export function classifyAddress(address: string): AddressClass {
  const bytes = parseIp(address);
  return bytes ? classifyBytes(bytes) : 'reserved';
}

/**
 * Reads the allowed ranges (`--egress-allow 127.0.0.0/8,10.1.0.0/16`): comma-separated text, or a list of such. Every
 * entry that is not a range is an issue naming it.
 */
export function parseEgressPolicy(allow: string | readonly string[]): {
  policy: EgressPolicy;
  issues: string[];
} {
  const entries = (typeof allow === 'string' ? [allow] : allow)
    .flatMap((e) => e.split(','))
    .map((e) => e.trim())
    .filter((e) => e !== '');
  const ranges: Cidr[] = [];
  const issues: string[] = [];
  for (const entry of entries) {
    const cidr = parseCidr(entry);
    if (cidr) ranges.push(cidr);
    else issues.push(`"${entry}" is not an IP address range such as 127.0.0.0/8 or fd00::/8`);
  }
  return { policy: { allow: ranges }, issues };
}

/** Why an address is refused: the address and its class. */
export interface EgressDenial {
  allowed: false;
  address: string;
  class: Exclude<AddressClass, 'public'>;
}

export type EgressVerdict = { allowed: true } | EgressDenial;

/** May the server connect to `address` (a resolved IP address)? */
export function checkEgressAddress(policy: EgressPolicy, address: string): EgressVerdict {
  const bytes = parseIp(address);
  const cls = bytes ? classifyBytes(bytes) : 'reserved';
  if (cls === 'public') return { allowed: true };
  if (bytes && policy.allow.some((r) => ipInRange(bytes, r.bytes, r.prefix))) return { allowed: true };
  return { allowed: false, address, class: cls };
}

const CLASS_WORDS: Record<Exclude<AddressClass, 'public'>, string> = {
  loopback: 'a loopback address',
  'link-local': 'a link-local address',
  private: 'a private address',
  unspecified: 'an unspecified address',
  multicast: 'a multicast address',
  reserved: 'a reserved address',
};

/**
 * What a user reads when the policy refused a connection. An address written by the user is named; for a host name
 * only the class of what it resolved to, so that the message does not map internal names to addresses.
 */
export function egressDeniedMessage(host: string, verdict: EgressDenial): string {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  const target = parseIp(bare) ? bare : `${bare} (${CLASS_WORDS[verdict.class]})`;
  return `egress to ${target} is not allowed by this server's egress policy (an administrator can allow it with --egress-allow)`;
}
