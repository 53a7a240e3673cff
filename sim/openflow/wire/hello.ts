/**
 * HELLO and version negotiation. A HELLO may carry a version bitmap element listing
 * every version the sender speaks; without one it offers only versions up to its header
 * version. Both sides pick the highest version both speak (OpenFlow 1.3.1+ rules, which
 * Open vSwitch follows), or fail with OFPET_HELLO_FAILED / OFPHFC_INCOMPATIBLE.
 */
import { OF_VERSIONS, versionFromWire, wireVersion, type OfVersion } from '../version.js';
import type { Reader, Writer } from './bytes.js';
import { WireError } from './errors.js';

/** The versions ovsim speaks, oldest first. */
export const SUPPORTED_VERSIONS: readonly OfVersion[] = ['OpenFlow10', 'OpenFlow13', 'OpenFlow14', 'OpenFlow15'];

const OFPHET_VERSIONBITMAP = 1;

export function putHelloBody(w: Writer, versions: readonly OfVersion[]): void {
  if (versions.length === 0) return;
  let bits = 0;
  for (const v of versions) bits |= 1 << wireVersion(v);
  w.u16(OFPHET_VERSIONBITMAP).u16(8).u32(bits);
}

/** Reads hello elements; returns the bitmap's versions (known ones), or undefined if none. */
export function pullHelloBody(r: Reader): { versions: OfVersion[]; bitmap: number } | undefined {
  let found: { versions: OfVersion[]; bitmap: number } | undefined;
  while (r.remaining >= 4) {
    const type = r.u16();
    const len = r.u16();
    if (len < 4) throw new WireError('OFPBRC_BAD_LEN', `hello element of length ${len}`);
    const body = r.sub(Math.min(len - 4, r.remaining), 'hello element');
    r.skip(Math.min(r.remaining, ((len + 7) & ~7) - len));
    if (type !== OFPHET_VERSIONBITMAP) continue;
    let bitmap = 0;
    if (body.remaining >= 4) bitmap = body.u32();
    found = { versions: OF_VERSIONS.filter((v) => bitmap & (1 << wireVersion(v))), bitmap };
  }
  return found;
}

/**
 * The version two peers agree on. `peerVersions` is the peer's bitmap (undefined when
 * its HELLO had none, then every version up to `peerHeaderVersion` is offered).
 */
export function negotiateVersion(
  ours: readonly OfVersion[],
  peer: { readonly headerVersion: number; readonly versions?: readonly OfVersion[] },
): OfVersion | undefined {
  const offered = peer.versions && peer.versions.length > 0 ? peer.versions : OF_VERSIONS.filter((v) => wireVersion(v) <= peer.headerVersion);
  let best: OfVersion | undefined;
  for (const v of ours) if (offered.includes(v) && (!best || wireVersion(v) > wireVersion(best))) best = v;
  return best;
}

export function isKnownVersion(n: number): boolean {
  return versionFromWire(n) !== undefined;
}
