/**
 * The addresses of the IP header around a TCP, UDP or ICMPv6 segment, which their
 * checksums cover through the pseudo-header: IPv4 addresses as numbers, IPv6 as bigints.
 */
import { ipv4PseudoSum, ipv6PseudoSum } from './checksum.js';

export type IpPair = { src: number; dst: number } | { src: bigint; dst: bigint };

export function pseudoSum(ip: IpPair, protocol: number, length: number): number {
  if (typeof ip.src === 'bigint') return ipv6PseudoSum(ip.src, ip.dst as bigint, protocol, length);
  return ipv4PseudoSum(ip.src, ip.dst as number, protocol, length);
}
