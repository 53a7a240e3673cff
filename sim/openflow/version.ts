/**
 * OpenFlow versions, and the "protocols" ovs-ofctl chooses among when it sends a flow.
 *
 * ovs-ofctl decides per flow which protocols could carry it (a match on reg0 needs NXM
 * or OXM, push_vlan needs OpenFlow 1.1+, mod_nw_src without an IP match only works in
 * OpenFlow 1.0, which does not check match/action consistency) and fails when none of
 * them is allowed by `-O`. We keep the same nine protocols as a bit set so that the
 * error names them the way ovs-ofctl does.
 */
import { FlowSyntaxError } from '../flow/syntax-error.js';

export type OfVersion = 'OpenFlow10' | 'OpenFlow11' | 'OpenFlow12' | 'OpenFlow13' | 'OpenFlow14' | 'OpenFlow15';

export const OF_VERSIONS: readonly OfVersion[] = ['OpenFlow10', 'OpenFlow11', 'OpenFlow12', 'OpenFlow13', 'OpenFlow14', 'OpenFlow15'];

/** ovs-ofctl's default: OpenFlow 1.0 with Nicira extensions. */
export const DEFAULT_OF_VERSION: OfVersion = 'OpenFlow10';

/** Wire version number: 0x01 for OpenFlow 1.0 … 0x06 for 1.5. */
export function wireVersion(v: OfVersion): number {
  return OF_VERSIONS.indexOf(v) + 1;
}

export function versionFromWire(n: number): OfVersion | undefined {
  return OF_VERSIONS[n - 1];
}

/** Whether `v` is `min` or later. */
export function atLeast(v: OfVersion, min: OfVersion): boolean {
  return wireVersion(v) >= wireVersion(min);
}

/** Parses a name `-O` accepts (OpenFlow10 … OpenFlow15, case-insensitive). */
export function parseOfVersion(text: string): OfVersion {
  const v = OF_VERSIONS.find((x) => x.toLowerCase() === text.trim().toLowerCase());
  if (!v) throw new FlowSyntaxError(`${text}: unknown OpenFlow version`);
  return v;
}

/** A set of protocols (bit set over the `P` bits). */
export type Protocols = number;

export const P = {
  OF10_STD: 1 << 0,
  OF10_STD_TID: 1 << 1,
  OF10_NXM: 1 << 2,
  OF10_NXM_TID: 1 << 3,
  OF11_STD: 1 << 4,
  OF12_OXM: 1 << 5,
  OF13_OXM: 1 << 6,
  OF14_OXM: 1 << 7,
  OF15_OXM: 1 << 8,
} as const;

const OF10_STD_ANY = P.OF10_STD | P.OF10_STD_TID;
const OF10_NXM_ANY = P.OF10_NXM | P.OF10_NXM_TID;
const ANY_OXM = P.OF12_OXM | P.OF13_OXM | P.OF14_OXM | P.OF15_OXM;

/** Named protocol sets, as ovs-ofctl combines them. */
export const PS = {
  ANY: (1 << 9) - 1,
  OF10_STD_ANY,
  OF10_NXM_ANY,
  OF10_ANY: OF10_STD_ANY | OF10_NXM_ANY,
  ANY_OXM,
  NXM_OXM_ANY: OF10_NXM_ANY | ANY_OXM,
  NXM_OF11_UP: OF10_NXM_ANY | P.OF11_STD | ANY_OXM,
  OF11_UP: P.OF11_STD | ANY_OXM,
  OF12_UP: ANY_OXM,
  OF13_UP: P.OF13_OXM | P.OF14_OXM | P.OF15_OXM,
  OF15_UP: P.OF15_OXM,
  /** Protocols that can name a table in a flow mod. */
  TID: P.OF10_STD_TID | P.OF10_NXM_TID | P.OF11_STD | ANY_OXM,
} as const;

/** The protocols `-O version` allows. */
export function allowedProtocols(v: OfVersion): Protocols {
  switch (v) {
    case 'OpenFlow10':
      return PS.OF10_ANY;
    case 'OpenFlow11':
      return P.OF11_STD;
    case 'OpenFlow12':
      return P.OF12_OXM;
    case 'OpenFlow13':
      return P.OF13_OXM;
    case 'OpenFlow14':
      return P.OF14_OXM;
    case 'OpenFlow15':
      return P.OF15_OXM;
    default: {
      const never: never = v;
      throw new Error(`unknown version ${String(never)}`);
    }
  }
}

const ABBREVS: readonly (readonly [Protocols, string])[] = [
  [PS.ANY, 'any'],
  [PS.OF10_STD_ANY, 'OpenFlow10'],
  [PS.OF10_NXM_ANY, 'NXM'],
  [PS.ANY_OXM, 'OXM'],
];

const SINGLE: readonly (readonly [Protocols, string])[] = [
  [P.OF10_STD, 'OpenFlow10-table_id'],
  [P.OF10_STD_TID, 'OpenFlow10+table_id'],
  [P.OF10_NXM, 'NXM-table_id'],
  [P.OF10_NXM_TID, 'NXM+table_id'],
  [P.OF11_STD, 'OpenFlow11'],
  [P.OF12_OXM, 'OXM-OpenFlow12'],
  [P.OF13_OXM, 'OXM-OpenFlow13'],
  [P.OF14_OXM, 'OXM-OpenFlow14'],
  [P.OF15_OXM, 'OXM-OpenFlow15'],
];

/** Names a protocol set as ovs-ofctl prints it ("OXM,OpenFlow11", "OpenFlow10,NXM"). */
export function protocolsToString(ps: Protocols): string {
  if (ps === 0) return 'none';
  const parts: string[] = [];
  let rest = ps;
  while (rest) {
    const abbrev = ABBREVS.find(([bits]) => (rest & bits) === bits);
    if (abbrev) {
      parts.push(abbrev[1]);
      rest &= ~abbrev[0];
      continue;
    }
    const single = SINGLE.find(([bit]) => (rest & bit) !== 0)!;
    parts.push(single[1]);
    rest &= ~single[0];
  }
  return parts.join(',');
}

/** Throws ovs-ofctl's error when no usable protocol is allowed by `version`. */
export function requireUsable(usable: Protocols, version: OfVersion): void {
  const allowed = allowedProtocols(version);
  if ((usable & allowed) === 0) {
    throw new FlowSyntaxError(
      `none of the usable flow formats (${protocolsToString(usable)}) is among the allowed flow formats (${protocolsToString(allowed)})`,
    );
  }
}
