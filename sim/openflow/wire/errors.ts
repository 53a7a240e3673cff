/**
 * OpenFlow errors: the names a switch reports (OFPBRC_BAD_LEN, OFPBMC_BAD_FIELD…) and
 * their numbers on the wire, which differ by version. OpenFlow 1.0 lacks many of the
 * later codes; Open vSwitch then sends a Nicira "vendor" error (type 0xb0c2 wrapping
 * vendor 0x2320 and its own type/code), and for OpenFlow 1.2+ codes that only Nicira or
 * ONF define it sends an experimenter error (type 0xffff). The table below holds, for
 * each name, where it lives in each version, as `ovs-ofctl print-error NAME` reports it.
 *
 * `WireError` is the one exception type the codec throws internally; `decode` turns it
 * into a returned `OfDecodeError` that carries what a switch needs to answer.
 */
import { type OfVersion, wireVersion } from '../version.js';

export const NX_VENDOR_ID = 0x00002320;
export const ONF_EXPERIMENTER_ID = 0x4f4e4600;
/** OpenFlow 1.0 error type Open vSwitch uses to carry a Nicira error. */
export const NXET_VENDOR = 0xb0c2;
export const OFPET_EXPERIMENTER = 0xffff;

/** Where an error lives in a range of versions (wire numbers, inclusive). */
type Place =
  /** A standard type and code. */
  | readonly [min: number, max: number, kind: 'of', type: number, code: number]
  /** OpenFlow 1.0/1.1: a Nicira type/code inside an NXET_VENDOR error. */
  | readonly [min: number, max: number, kind: 'nx10', type: number, code: number]
  /** OpenFlow 1.2+: an experimenter error code under Nicira's or ONF's id. */
  | readonly [min: number, max: number, kind: 'nx' | 'onf', expCode: number];

const V10 = 1;
const V11 = 2;
const V12 = 3;
const V13 = 4;
const V14 = 5;
const V15 = 6;

function of(type: number, code: number, min = V10, max = V15): Place {
  return [min, max, 'of', type, code];
}

const TABLE = {
  OFPHFC_INCOMPATIBLE: [of(0, 0)],
  OFPHFC_EPERM: [of(0, 1)],
  OFPBRC_BAD_VERSION: [of(1, 0)],
  OFPBRC_BAD_TYPE: [of(1, 1)],
  OFPBRC_BAD_STAT: [of(1, 2)],
  OFPBRC_BAD_VENDOR: [of(1, 3)],
  OFPBRC_BAD_SUBTYPE: [of(1, 4)],
  OFPBRC_EPERM: [of(1, 5)],
  OFPBRC_BAD_LEN: [of(1, 6)],
  OFPBRC_BUFFER_EMPTY: [of(1, 7)],
  OFPBRC_BUFFER_UNKNOWN: [of(1, 8)],
  OFPBRC_BAD_TABLE_ID: [[V10, V10, 'nx10', 1, 512], of(1, 9, V11)],
  OFPBRC_IS_SECONDARY: [of(1, 5, V10, V11), of(1, 10, V12)],
  OFPBRC_BAD_PORT: [[V10, V11, 'nx10', 1, 514], of(1, 11, V12)],
  OFPBRC_BAD_PACKET: [of(1, 12, V12)],
  OFPBRC_MULTIPART_BUFFER_OVERFLOW: [of(1, 13, V13)],
  NXBRC_NXM_INVALID: [[V10, V11, 'nx10', 1, 256], [V12, V15, 'nx', 2]],
  NXBRC_NXM_BAD_TYPE: [[V10, V11, 'nx10', 1, 257], [V12, V15, 'nx', 3]],
  NXBRC_MUST_BE_ZERO: [[V10, V11, 'nx10', 1, 515], [V12, V15, 'nx', 4]],
  OFPBAC_BAD_TYPE: [of(2, 0)],
  OFPBAC_BAD_LEN: [of(2, 1)],
  OFPBAC_BAD_VENDOR: [of(2, 2)],
  OFPBAC_BAD_VENDOR_TYPE: [of(2, 3)],
  OFPBAC_BAD_OUT_PORT: [of(2, 4)],
  OFPBAC_BAD_ARGUMENT: [of(2, 5)],
  OFPBAC_EPERM: [of(2, 6)],
  OFPBAC_TOO_MANY: [of(2, 7)],
  OFPBAC_BAD_QUEUE: [of(2, 8)],
  OFPBAC_BAD_OUT_GROUP: [[V10, V10, 'nx10', 2, 9], of(2, 9, V11)],
  OFPBAC_MATCH_INCONSISTENT: [[V10, V10, 'nx10', 1, 522], of(2, 10, V11)],
  OFPBAC_UNSUPPORTED_ORDER: [of(2, 11, V11)],
  OFPBAC_BAD_TAG: [of(2, 12, V11)],
  OFPBAC_BAD_SET_TYPE: [[V10, V11, 'nx10', 1, 523], of(2, 13, V12)],
  OFPBAC_BAD_SET_LEN: [[V10, V11, 'nx10', 1, 524], of(2, 14, V12)],
  OFPBAC_BAD_SET_ARGUMENT: [[V10, V11, 'nx10', 1, 525], of(2, 15, V12)],
  OFPBAC_BAD_SET_MASK: [[V13, V14, 'onf', 4250], of(2, 16, V15)],
  OFPBIC_UNKNOWN_INST: [of(3, 0, V11)],
  OFPBIC_UNSUP_INST: [[V10, V10, 'nx10', 2, 257], of(3, 1, V11)],
  OFPBIC_BAD_TABLE_ID: [of(3, 2, V11)],
  OFPBIC_UNSUP_METADATA: [of(3, 3, V11)],
  OFPBIC_UNSUP_METADATA_MASK: [of(3, 4, V11)],
  OFPBIC_BAD_EXPERIMENTER: [of(3, 5, V11)],
  OFPBIC_BAD_EXP_TYPE: [of(3, 6, V12)],
  OFPBIC_BAD_LEN: [of(3, 7, V12)],
  OFPBIC_EPERM: [of(3, 8, V12)],
  OFPBIC_DUP_INST: [[V11, V11, 'nx10', 3, 256], [V12, V13, 'onf', 2600], of(3, 9, V14)],
  OFPBMC_BAD_TYPE: [of(4, 0, V11)],
  OFPBMC_BAD_LEN: [of(4, 1, V11)],
  OFPBMC_BAD_TAG: [of(4, 2, V11)],
  OFPBMC_BAD_DL_ADDR_MASK: [of(4, 3, V11)],
  OFPBMC_BAD_NW_ADDR_MASK: [of(4, 4, V11)],
  OFPBMC_BAD_WILDCARDS: [[V10, V10, 'nx10', 1, 262], of(4, 5, V11)],
  OFPBMC_BAD_FIELD: [[V10, V10, 'nx10', 0, 263], of(4, 6, V11)],
  OFPBMC_BAD_VALUE: [[V10, V10, 'nx10', 1, 258], of(4, 7, V11)],
  OFPBMC_BAD_MASK: [[V10, V11, 'nx10', 1, 259], of(4, 8, V12)],
  OFPBMC_BAD_PREREQ: [[V10, V11, 'nx10', 1, 260], of(4, 9, V12)],
  OFPBMC_DUP_FIELD: [[V10, V11, 'nx10', 1, 261], of(4, 10, V12)],
  OFPBMC_EPERM: [of(4, 11, V12)],
  OFPFMFC_UNKNOWN: [of(5, 0, V11)],
  OFPFMFC_TABLE_FULL: [of(3, 0, V10, V10), of(5, 1, V11)],
  OFPFMFC_BAD_TABLE_ID: [of(5, 2, V11)],
  OFPFMFC_OVERLAP: [of(3, 1, V10, V10), of(5, 3, V11)],
  OFPFMFC_EPERM: [of(3, 2, V10, V10), of(5, 4, V11)],
  OFPFMFC_BAD_TIMEOUT: [of(5, 5, V11)],
  OFPFMFC_BAD_EMERG_TIMEOUT: [of(3, 3, V10, V10)],
  OFPFMFC_BAD_COMMAND: [of(3, 4, V10, V10), of(5, 6, V11)],
  OFPFMFC_BAD_FLAGS: [[V10, V10, 'nx10', 3, 258], [V11, V11, 'nx10', 5, 258], of(5, 7, V12)],
  OFPFMFC_UNSUPPORTED: [of(3, 5, V10, V10)],
  OFPPMFC_BAD_PORT: [of(4, 0, V10, V10), of(7, 0, V11)],
  OFPPMFC_BAD_HW_ADDR: [of(4, 1, V10, V10), of(7, 1, V11)],
  OFPPMFC_BAD_CONFIG: [of(7, 2, V11)],
  OFPPMFC_BAD_ADVERTISE: [of(7, 3, V11)],
  OFPPMFC_EPERM: [of(7, 4, V12)],
  OFPSCFC_BAD_FLAGS: [of(10, 0, V11)],
  OFPSCFC_BAD_LEN: [of(10, 1, V11)],
  OFPSCFC_EPERM: [of(10, 2, V12)],
  OFPRRFC_STALE: [of(11, 0, V12)],
  OFPRRFC_UNSUP: [of(11, 1, V12)],
  OFPRRFC_BAD_ROLE: [[V10, V11, 'nx10', 1, 513], of(11, 2, V12)],
  OFPMMFC_UNKNOWN: [of(12, 0, V13)],
  OFPTFFC_BAD_TABLE: [of(13, 0, V13)],
  OFPTFFC_BAD_METADATA: [of(13, 1, V13)],
  OFPTFFC_EPERM: [of(13, 5, V13)],
} as const satisfies Record<string, readonly Place[]>;

export type OfpErrorName = keyof typeof TABLE;

export const ERROR_NAMES = Object.keys(TABLE) as OfpErrorName[];

/** An error's numbers on the wire for one version. */
export type ErrorCodes =
  | { readonly kind: 'standard'; readonly type: number; readonly code: number }
  /** OpenFlow 1.0: type NXET_VENDOR, code 0, then vendor, type and code in the data. */
  | { readonly kind: 'nx_vendor'; readonly type: number; readonly code: number }
  /** OpenFlow 1.2+: type OFPET_EXPERIMENTER with an experimenter code and id. */
  | { readonly kind: 'experimenter'; readonly expCode: number; readonly experimenter: number };

/**
 * The wire numbers of `name` in `version`, or undefined when the version cannot express
 * it (Open vSwitch then falls back to a nearby error; see `encodableError`).
 */
export function errorCodes(name: OfpErrorName, version: OfVersion): ErrorCodes | undefined {
  const v = wireVersion(version);
  for (const p of TABLE[name] as readonly Place[]) {
    if (v < p[0] || v > p[1]) continue;
    switch (p[2]) {
      case 'of':
        return { kind: 'standard', type: p[3], code: p[4]! };
      case 'nx10':
        return { kind: 'nx_vendor', type: p[3], code: p[4]! };
      case 'nx':
        return { kind: 'experimenter', expCode: p[3], experimenter: NX_VENDOR_ID };
      case 'onf':
        return { kind: 'experimenter', expCode: p[3], experimenter: ONF_EXPERIMENTER_ID };
    }
  }
  return undefined;
}

/**
 * The error to send for `name` in `version`: itself when the version has a code for it,
 * else the closest general error of the same family (an instruction error under 1.0
 * becomes a bad action, anything else a bad request).
 */
export function encodableError(name: OfpErrorName, version: OfVersion): OfpErrorName {
  if (errorCodes(name, version)) return name;
  if (name.startsWith('OFPBIC_') || name.startsWith('OFPBAC_')) return 'OFPBAC_BAD_TYPE';
  if (name.startsWith('OFPBMC_')) return 'OFPBMC_BAD_FIELD';
  if (name.startsWith('OFPFMFC_')) return errorCodes('OFPFMFC_EPERM', version) ? 'OFPFMFC_EPERM' : 'OFPBRC_EPERM';
  return 'OFPBRC_EPERM';
}

/** Names the error that `codes` stand for in `version`, if it is one of ours. */
export function errorName(codes: ErrorCodes, version: OfVersion): OfpErrorName | undefined {
  return ERROR_NAMES.find((n) => {
    const c = errorCodes(n, version);
    if (!c || c.kind !== codes.kind) return false;
    if (c.kind === 'experimenter' && codes.kind === 'experimenter') return c.expCode === codes.expCode && c.experimenter === codes.experimenter;
    if (c.kind !== 'experimenter' && codes.kind !== 'experimenter') return c.type === codes.type && c.code === codes.code;
    return false;
  });
}

/** Thrown inside the codec; never escapes `decode`. */
export class WireError extends Error {
  constructor(
    readonly error: OfpErrorName,
    readonly detail: string,
  ) {
    super(`${error}: ${detail}`);
    this.name = 'WireError';
  }
}

