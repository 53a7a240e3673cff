import { describe, expect, it } from 'vitest';
import { formatIpv6, parseIpv6, formatMac, parseMac, parseIpv4, formatIpv4, prefixLength } from '../../sim/flow/addr.js';

describe('addresses', () => {
  it('prints IPv6 as inet_ntop does', () => {
    expect(formatIpv6(parseIpv6('2001:db8:0:0:1:0:0:1')!)).toBe('2001:db8::1:0:0:1');
    expect(formatIpv6(0n)).toBe('::');
    expect(formatIpv6(1n)).toBe('::1');
    expect(formatIpv6(parseIpv6('::ffff:10.0.0.1')!)).toBe('::ffff:10.0.0.1');
    expect(formatIpv6(parseIpv6('fe80::1:2')!)).toBe('fe80::1:2');
  });
  it('round-trips MACs and IPv4', () => {
    expect(formatMac(parseMac('0a:1B:02:03:04:05')!)).toBe('0a:1b:02:03:04:05');
    expect(formatIpv4(parseIpv4('10.255.0.1')!)).toBe('10.255.0.1');
    expect(parseIpv4('10.256.0.1')).toBeUndefined();
  });
  it('finds CIDR prefix lengths', () => {
    expect(prefixLength(0xffffff00n, 32)).toBe(24);
    expect(prefixLength(0xff00ff00n, 32)).toBe(-1);
    expect(prefixLength(0n, 32)).toBe(0);
  });
});
