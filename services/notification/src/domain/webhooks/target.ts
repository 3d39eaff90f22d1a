import { BlockList, isIP } from 'node:net';

/**
 * Where a partner webhook may be delivered (N4; issue 17 "webhook SSRF"): only to globally
 * reachable unicast addresses, so a partner cannot make the service POST to itself, its database,
 * the cloud metadata endpoint or anything else on the operator's networks. Ranges are IANA's
 * special-purpose registries; an IPv6 address that carries an IPv4 one (mapped ::ffff:a.b.c.d,
 * NAT64 64:ff9b::a.b.c.d) is judged by that IPv4 address. An operator may allow ranges back
 * (WEBHOOK_ALLOWED_CIDRS, e.g. the local reference receiver on 127.0.0.1/32). Pure: no DNS here.
 */
const V4: readonly (readonly [string, number, string])[] = [
  ['0.0.0.0', 8, 'this-network'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'shared-cgnat'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'ietf-protocol'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, 'reserved'], // former 6to4 relay anycast
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'], // includes the broadcast address 255.255.255.255
];

const V6: readonly (readonly [string, number, string])[] = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['64:ff9b:1::', 48, 'local-nat64'],
  ['100::', 64, 'discard'],
  ['2001::', 23, 'ietf-protocol'], // Teredo, benchmarking 2001:2::/48, ORCHID, ...
  ['2001:db8::', 32, 'documentation'],
  ['2002::', 16, 'reserved'], // 6to4: tunnels to an arbitrary IPv4 address
  ['3fff::', 20, 'documentation'],
  ['fc00::', 7, 'private'], // unique local
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'link-local'], // deprecated site-local
  ['ff00::', 8, 'multicast'],
];

const subnet = (address: string, prefix: number, family: 'ipv4' | 'ipv6'): BlockList => {
  const list = new BlockList();
  list.addSubnet(address, prefix, family);
  return list;
};

/** One list per range, so a refusal can say which range it was. */
const ranges = [...V4.map(([a, p, name]) => ({ name, list: subnet(a, p, 'ipv4') })), ...V6.map(([a, p, name]) => ({ name, list: subnet(a, p, 'ipv6') }))];

/** Everything else outside 2000::/3 (global unicast) is not an address a partner can have. */
const GLOBAL_UNICAST_V6 = subnet('2000::', 3, 'ipv6');

/** The eight 16-bit groups of an IPv6 address (a trailing dotted quad allowed); null if malformed. */
const groupsOf = (address: string): number[] | null => {
  let text = address.split('%')[0]!.toLowerCase(); // a zone id does not change the range
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const part = (s: string | undefined) => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const head = part(halves[0]);
  const tail = part(halves[1]);
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
  const groups = [...head, ...Array<number>(Math.max(fill, 0)).fill(0), ...tail];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
};

/** The IPv4 address an IPv6 one stands for: mapped ::ffff:0:0/96 and NAT64 64:ff9b::/96. */
export const embeddedIPv4 = (address: string): string | null => {
  const g = groupsOf(address);
  if (!g) return null;
  const mapped = g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff;
  const nat64 = g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0);
  if (!mapped && !nat64) return null;
  return [g[6]! >> 8, g[6]! & 0xff, g[7]! >> 8, g[7]! & 0xff].join('.');
};

/**
 * Why a delivery to `address` (an IP literal) is refused, e.g. 'loopback' or 'link-local'; null
 * when it may be connected to. `allowed` ranges win over every refusal.
 */
export const forbiddenRange = (address: string, allowed: BlockList): string | null => {
  const family = isIP(address);
  if (family === 0) return 'not-an-address';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (allowed.check(address, type)) return null;
  const v4 = family === 6 ? embeddedIPv4(address) : null;
  if (v4 !== null) return forbiddenRange(v4, allowed);
  const hit = ranges.find((r) => r.list.check(address, type));
  if (hit) return hit.name;
  if (family === 6 && !GLOBAL_UNICAST_V6.check(address, 'ipv6')) return 'reserved';
  return null;
};

/**
 * WEBHOOK_ALLOWED_CIDRS: comma-separated ranges (`127.0.0.1/32,fd00::/8`). Throws on a malformed
 * entry, so a typo stops the service at start instead of silently allowing nothing.
 */
export const parseAllowedCidrs = (spec: string | undefined): BlockList => {
  const list = new BlockList();
  for (const entry of (spec ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^([^/]+)\/(\d{1,3})$/.exec(entry);
    const family = m ? isIP(m[1]!) : 0;
    const prefix = m ? Number(m[2]) : -1;
    if (!m || family === 0 || prefix > (family === 4 ? 32 : 128)) throw new Error(`not a CIDR range: ${entry}`);
    list.addSubnet(m[1]!, prefix, family === 4 ? 'ipv4' : 'ipv6');
  }
  return list;
};

/** The host of a webhook URL as the connection sees it: an IP literal (IPv6 unbracketed) or a name. */
export const webhookHost = (url: string): { host: string; literal: boolean } => {
  const hostname = new URL(url).hostname;
  const host = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return { host, literal: isIP(host) !== 0 };
};
