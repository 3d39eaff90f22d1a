// Issue 17 "webhook SSRF" (N4): the address classifier refuses every non-public range, in every
// spelling an address can take (mapped, NAT64, compressed, expanded), unless the operator allows it.
import fc from 'fast-check';
import { embeddedIPv4, forbiddenRange, parseAllowedCidrs, webhookHost } from '../../src/domain/webhooks/target';

const none = parseAllowedCidrs(undefined);

describe('webhook target classifier (N4, issue 17 SSRF)', () => {
  it.each([
    // IPv4
    ['0.0.0.0', 'this-network'],
    ['0.1.2.3', 'this-network'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['100.64.0.1', 'shared-cgnat'],
    ['100.127.255.254', 'shared-cgnat'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['169.254.169.254', 'link-local'], // cloud metadata
    ['169.254.0.1', 'link-local'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.0.0.8', 'ietf-protocol'],
    ['192.0.2.10', 'documentation'],
    ['192.88.99.1', 'reserved'],
    ['192.168.1.1', 'private'],
    ['198.18.0.1', 'benchmarking'],
    ['198.19.255.255', 'benchmarking'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.9', 'documentation'],
    ['224.0.0.251', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    // IPv6
    ['::', 'unspecified'],
    ['0:0:0:0:0:0:0:0', 'unspecified'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf:ffff::1', 'link-local'],
    ['fec0::1', 'link-local'],
    ['fc00::1', 'private'],
    ['fd12:3456:789a::1', 'private'],
    ['ff02::1', 'multicast'],
    ['ff05::1:3', 'multicast'],
    ['2001:db8::1', 'documentation'],
    ['3fff::1', 'documentation'],
    ['2001::1', 'ietf-protocol'], // Teredo
    ['2001:2::1', 'ietf-protocol'], // benchmarking
    ['2002:7f00:1::1', 'reserved'], // 6to4 of 127.0.0.1
    ['100::1', 'discard'],
    ['64:ff9b:1::a00:1', 'local-nat64'],
    ['::2', 'reserved'], // IPv4-compatible, deprecated
    ['::7f00:1', 'reserved'],
    ['::ffff:0:7f00:1', 'reserved'], // SIIT translated form
    ['5f00::1', 'reserved'],
    ['4000::1', 'reserved'],
    // IPv4 inside IPv6: judged by the IPv4 address
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['0:0:0:0:0:ffff:7f00:1', 'loopback'],
    ['::FFFF:7F00:0001', 'loopback'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:0.0.0.0', 'this-network'],
    ['64:ff9b::127.0.0.1', 'loopback'], // NAT64 well-known prefix
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['64:ff9b::c0a8:101', 'private'],
  ])('%s is refused as %s', (address, range) => {
    expect(forbiddenRange(address, none)).toBe(range);
  });

  it.each([
    '93.184.215.14',
    '8.8.8.8',
    '1.1.1.1',
    '100.63.255.255',
    '100.128.0.0',
    '172.15.255.255',
    '172.32.0.0',
    '192.169.0.1',
    '198.17.255.255',
    '198.20.0.0',
    '223.255.255.255',
    '2606:4700:4700::1111',
    '2a00:1450:4001:80b::200e',
    '::ffff:8.8.8.8',
    '::ffff:808:808',
    '64:ff9b::808:808',
  ])('%s (public) is allowed', (address) => {
    expect(forbiddenRange(address, none)).toBeNull();
  });

  it('is not fooled by what is not an IP address', () => {
    expect(forbiddenRange('localhost', none)).toBe('not-an-address');
    expect(forbiddenRange('', none)).toBe('not-an-address');
    expect(forbiddenRange('127.1', none)).toBe('not-an-address');
  });

  it('the operator allowlist lets exactly its ranges through, in IPv4 and in mapped spellings', () => {
    const allowed = parseAllowedCidrs('127.0.0.1/32, fd00:1::/32');
    expect(forbiddenRange('127.0.0.1', allowed)).toBeNull();
    expect(forbiddenRange('::ffff:127.0.0.1', allowed)).toBeNull();
    expect(forbiddenRange('::ffff:7f00:1', allowed)).toBeNull();
    expect(forbiddenRange('127.0.0.2', allowed)).toBe('loopback');
    expect(forbiddenRange('::1', allowed)).toBe('loopback');
    expect(forbiddenRange('169.254.169.254', allowed)).toBe('link-local');
    expect(forbiddenRange('fd00:1::5', allowed)).toBeNull();
    expect(forbiddenRange('fd00:2::5', allowed)).toBe('private');
  });

  it('refuses a malformed allowlist entry at start instead of ignoring it', () => {
    for (const bad of ['127.0.0.1', '127.0.0.1/33', '::1/129', 'localhost/8', '10.0.0.0/8/8', '1.2.3/24'])
      expect(() => parseAllowedCidrs(bad)).toThrow('not a CIDR range');
    expect(() => parseAllowedCidrs('')).not.toThrow();
  });

  it('reads the IPv4 address inside mapped and NAT64 IPv6 addresses only', () => {
    expect(embeddedIPv4('::ffff:7f00:1')).toBe('127.0.0.1');
    expect(embeddedIPv4('::ffff:169.254.169.254')).toBe('169.254.169.254');
    expect(embeddedIPv4('64:ff9b::a9fe:a9fe')).toBe('169.254.169.254');
    expect(embeddedIPv4('2001:db8::7f00:1')).toBeNull();
    expect(embeddedIPv4('::1')).toBeNull();
  });

  it('takes the host of a URL as the WHATWG parser normalises it (integer, hex and bracketed forms)', () => {
    expect(webhookHost('http://2130706433/hook')).toEqual({ host: '127.0.0.1', literal: true });
    expect(webhookHost('http://0x7f.1/hook')).toEqual({ host: '127.0.0.1', literal: true });
    expect(webhookHost('http://0177.0.0.1/hook')).toEqual({ host: '127.0.0.1', literal: true });
    expect(webhookHost('http://[::ffff:127.0.0.1]:5432/')).toEqual({ host: '::ffff:7f00:1', literal: true });
    expect(webhookHost('http://[0:0:0:0:0:0:0:1]/')).toEqual({ host: '::1', literal: true });
    expect(webhookHost('https://Partner.Example/hooks')).toEqual({ host: 'partner.example', literal: false });
  });

  it('property: every address of a forbidden IPv4 range is refused in its plain, mapped and NAT64 spellings', () => {
    const octet = fc.integer({ min: 0, max: 255 });
    const forbidden = fc.oneof(
      fc.tuple(fc.constant(127), octet, octet, octet),
      fc.tuple(fc.constant(10), octet, octet, octet),
      fc.tuple(fc.constant(169), fc.constant(254), octet, octet),
      fc.tuple(fc.constant(172), fc.integer({ min: 16, max: 31 }), octet, octet),
      fc.tuple(fc.constant(192), fc.constant(168), octet, octet),
      fc.tuple(fc.constant(100), fc.integer({ min: 64, max: 127 }), octet, octet),
      fc.tuple(fc.integer({ min: 224, max: 255 }), octet, octet, octet),
    );
    fc.assert(
      fc.property(forbidden, ([a, b, c, d]) => {
        const v4 = `${a}.${b}.${c}.${d}`;
        const hex = `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
        return [v4, `::ffff:${v4}`, `::ffff:${hex}`, `64:ff9b::${hex}`, `0:0:0:0:0:ffff:${hex}`].every((x) => forbiddenRange(x, none) !== null);
      }),
    );
  });
});
