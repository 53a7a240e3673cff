/**
 * Link-layer header types (the LINKTYPE_ registry shared by pcap and pcapng). The switch
 * takes Ethernet frames only; the others are named here so that a capture of, say, Linux
 * "any" cooked frames is refused with words a user recognises rather than a number.
 */
import { PcapError } from './error.js';
import type { PcapRecord } from './record.js';

export const LINKTYPE_ETHERNET = 1;

const NAMES: ReadonlyMap<number, string> = new Map([
  [0, 'NULL (BSD loopback)'],
  [1, 'ETHERNET'],
  [6, 'IEEE802_5 (Token Ring)'],
  [9, 'PPP'],
  [12, 'RAW (IP, old value)'],
  [101, 'RAW (IP)'],
  [105, 'IEEE802_11 (Wi-Fi)'],
  [108, 'LOOP (OpenBSD loopback)'],
  [113, 'LINUX_SLL (Linux cooked)'],
  [127, 'IEEE802_11_RADIOTAP'],
  [147, 'USER0'],
  [192, 'PPI'],
  [220, 'USB_LINUX_MMAPPED'],
  [228, 'IPV4'],
  [229, 'IPV6'],
  [249, 'NETLINK'],
  [276, 'LINUX_SLL2 (Linux cooked v2)'],
]);

/** "1 (ETHERNET)", "113 (LINUX_SLL (Linux cooked))", or "4242 (unknown)". */
export function describeLinkType(linkType: number): string {
  return `${linkType} (${NAMES.get(linkType) ?? 'unknown'})`;
}

/**
 * Throws a PcapError naming the file and the record's offset unless the record's link
 * type is `expected` (Ethernet by default): for callers that read without the reader's
 * `requireLinkType` option and decide per packet.
 */
export function assertLinkType(record: PcapRecord, file: string, expected = LINKTYPE_ETHERNET): void {
  if (record.linkType !== expected) {
    throw new PcapError(
      file,
      record.offset,
      `packet has link type ${describeLinkType(record.linkType)}, expected ${describeLinkType(expected)}`,
    );
  }
}
