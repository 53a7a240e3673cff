/**
 * What the capture reader hands out, one per packet, whatever the file format, and the
 * options both readers (streaming and synchronous) take.
 */

export interface PcapRecord {
  /**
   * Capture time in nanoseconds since the Unix epoch. A bigint because epoch nanoseconds
   * pass 2^53; pcapng interface offsets (if_tsoffset) are already added. Simple Packet
   * Blocks carry no time: their records have 0n and `hasTimestamp` false.
   */
  readonly timestampNs: bigint;
  /** False only for pcapng Simple Packet Blocks, which carry no timestamp. */
  readonly hasTimestamp: boolean;
  /** Bytes present in `data` (at most the snapshot length). */
  readonly capturedLength: number;
  /** Length of the packet on the wire; more than capturedLength when it was cut short. */
  readonly originalLength: number;
  /** LINKTYPE_ value of the interface the packet came from (1 = Ethernet). */
  readonly linkType: number;
  /** The packet bytes, capturedLength of them. */
  readonly data: Uint8Array;
  /** Interface index within the pcapng section; always 0 for classic pcap. */
  readonly interfaceId: number;
  /** Byte offset of the record (classic) or block (pcapng) in the file, for messages. */
  readonly offset: number;
}

export interface ReadOptions {
  /** Used in error messages; defaults to the path, or `<stream>` / `<buffer>`. */
  readonly name?: string;
  /**
   * When set, a capture (or pcapng interface) with another link type is refused where
   * the link type is declared, before any of its packets. Ethernet is LINKTYPE_ETHERNET.
   */
  readonly requireLinkType?: number;
  /** Largest captured length accepted before the record is called corrupt. */
  readonly maxPacketBytes?: number;
}

/**
 * libpcap's own ceiling on snapshot lengths (MAXIMUM_SNAPLEN, 256 KiB): a captured length
 * above it means the record header is garbage, not that a jumbo frame was seen.
 */
export const DEFAULT_MAX_PACKET_BYTES = 262_144;
