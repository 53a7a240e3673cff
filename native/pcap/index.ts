/** Capture files: the reader (pcap and pcapng) and the classic pcap writer. */
export { PcapError } from './error.js';
export { assertLinkType, describeLinkType, LINKTYPE_ETHERNET } from './linktype.js';
export { DEFAULT_MAX_PACKET_BYTES, type PcapRecord, type ReadOptions } from './record.js';
export { readCapture, readCaptureSync } from './reader.js';
export { PcapWriter, type PcapWriterOptions } from './writer.js';
export { encodeFileHeader, encodeRecord, type TimestampResolution } from './classic.js';
export { LinkCapture, type LinkCaptureOptions } from './link-capture.js';
