/**
 * Capturing a simulated link into a pcap file, as tcpdump on an interface would: a link
 * tap that writes every frame one end receives (or sends), stamped with virtual time
 * from `epochNs` on.
 */
import type { LinkTap, TapInfo } from '../../engine/link.js';
import { PcapWriter } from './writer.js';

export interface LinkCaptureOptions {
  /** Which frames: those delivered ("rx", default), started on the wire ("tx"), or dropped. */
  readonly event?: TapInfo['event'];
  /** Only frames sent by this end of the link (both when omitted). */
  readonly from?: TapInfo['from'];
  /** Wall-clock time the capture's virtual time 0 stands for (default 0: the epoch). */
  readonly epochNs?: bigint;
}

export class LinkCapture implements LinkTap {
  readonly writer: PcapWriter;
  readonly #opts: LinkCaptureOptions;

  constructor(path: string, opts: LinkCaptureOptions = {}) {
    this.writer = new PcapWriter(path, { resolution: 'ns' });
    this.#opts = opts;
  }

  frame(frame: Uint8Array, atNs: number, info: TapInfo): void {
    if (info.event !== (this.#opts.event ?? 'rx')) return;
    if (this.#opts.from && info.from !== this.#opts.from) return;
    this.writer.write((this.#opts.epochNs ?? 0n) + BigInt(atNs), frame);
  }

  close(): Promise<void> {
    return this.writer.close();
  }
}
