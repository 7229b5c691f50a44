/**
 * IP addresses and CIDR ranges as bytes (pure: no resolution, no sockets). IPv4-mapped IPv6 addresses
 * (`::ffff:127.0.0.1`, `::ffff:7f00:1`) are read as the IPv4 address they carry, so that no rule can be side-stepped
 * by writing an IPv4 address in IPv6 form.
 */

/** 4 bytes (IPv4) or 16 bytes (IPv6). */
export type IpBytes = Uint8Array;

export interface Cidr {
  /** The network address, 4 or 16 bytes. */
  readonly bytes: IpBytes;
  readonly prefix: number;
  /** As written by the admin (for messages). */
  readonly text: string;
}

function parseIpv4(text: string): IpBytes | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const bytes = new Uint8Array(4);
  for (const [i, part] of parts.entries()) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part) || Number(part) > 255) return undefined;
    bytes[i] = Number(part);
  }
  return bytes;
}

function parseGroups(text: string): number[] | undefined {
  if (text === '') return [];
  const groups: number[] = [];
  const parts = text.split(':');
  for (const [i, part] of parts.entries()) {
    if (i === parts.length - 1 && part.includes('.')) {
      const v4 = parseIpv4(part);
      if (!v4) return undefined;
      groups.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
    } else if (/^[0-9a-fA-F]{1,4}$/.test(part)) {
      groups.push(parseInt(part, 16));
    } else {
      return undefined;
    }
  }
  return groups;
}

function parseIpv6(text: string): IpBytes | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = parseGroups(halves[0]!);
  const tail = halves.length === 2 ? parseGroups(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    bytes[2 * i] = g >> 8;
    bytes[2 * i + 1] = g & 0xff;
  });
  return bytes;
}

const isMappedIpv4 = (b: IpBytes): boolean =>
  b.length === 16 && b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;

/**
 * Parses an IPv4 or IPv6 address (brackets and a zone suffix allowed, as in URLs and link-local addresses).
 * IPv4-mapped IPv6 gives the 4 bytes of the IPv4 address. Undefined when the text is not an address.
 */
export function parseIp(text: string): IpBytes | undefined {
  const bare = text.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  const bytes = bare.includes(':') ? parseIpv6(bare) : parseIpv4(bare);
  if (bytes && isMappedIpv4(bytes)) return bytes.slice(12);
  return bytes;
}

/** Does `address` fall in the range of `network`/`prefix` (same family only)? */
export function ipInRange(address: IpBytes, network: IpBytes, prefix: number): boolean {
  if (address.length !== network.length) return false;
  const whole = prefix >> 3;
  for (let i = 0; i < whole; i++) if (address[i] !== network[i]) return false;
  const rest = prefix & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (address[whole]! & mask) === (network[whole]! & mask);
}

/**
 * Parses `10.0.0.0/8`, `fd00::/8`, or a bare address (a single-address range). An IPv4-mapped IPv6 range of at
 * least /96 becomes the IPv4 range it covers. Undefined when the text is not a range.
 */
export function parseCidr(text: string): Cidr | undefined {
  const m = /^([^/]+)(?:\/(\d{1,3}))?$/.exec(text.trim());
  if (!m) return undefined;
  const written = parseIp(m[1]!);
  if (!written) return undefined;
  const wasV6 = m[1]!.includes(':');
  let prefix = m[2] === undefined ? written.length * 8 : Number(m[2]);
  if (wasV6 && written.length === 4) {
    if (m[2] !== undefined && prefix < 96) return undefined;
    if (m[2] !== undefined) prefix -= 96;
  }
  if (prefix > written.length * 8) return undefined;
  const bytes = written.slice();
  for (let bit = prefix; bit < bytes.length * 8; bit++) bytes[bit >> 3]! &= ~(0x80 >> (bit & 7));
  return { bytes, prefix, text: text.trim() };
}
