import { describe, expect, it } from 'vitest';
import { FlowSyntaxError } from '../../sim/flow/syntax-error.js';
import { allowedProtocols, P, parseOfVersion, protocolsToString, PS, requireUsable, versionFromWire, wireVersion } from '../../sim/openflow/version.js';

describe('OpenFlow versions', () => {
  it('parses -O names and maps wire numbers', () => {
    expect(parseOfVersion('OpenFlow13')).toBe('OpenFlow13');
    expect(parseOfVersion('openflow15')).toBe('OpenFlow15');
    expect(() => parseOfVersion('OpenFlow16')).toThrow(FlowSyntaxError);
    expect(wireVersion('OpenFlow10')).toBe(1);
    expect(wireVersion('OpenFlow15')).toBe(6);
    expect(versionFromWire(4)).toBe('OpenFlow13');
    expect(versionFromWire(9)).toBeUndefined();
  });

  it('names protocol sets as ovs-ofctl does', () => {
    // Strings as real ovs-ofctl add-flow prints them in its "none of the usable flow formats" error.
    expect(protocolsToString(allowedProtocols('OpenFlow10'))).toBe('OpenFlow10,NXM');
    expect(protocolsToString(allowedProtocols('OpenFlow13'))).toBe('OXM-OpenFlow13');
    expect(protocolsToString(PS.OF11_UP)).toBe('OXM,OpenFlow11');
    expect(protocolsToString(PS.OF13_UP)).toBe('OXM-OpenFlow13,OXM-OpenFlow14,OXM-OpenFlow15');
    expect(protocolsToString(PS.NXM_OXM_ANY)).toBe('NXM,OXM');
    expect(protocolsToString(PS.ANY)).toBe('any');
    expect(protocolsToString(P.OF10_STD)).toBe('OpenFlow10-table_id');
  });

  it('fails with the usable and allowed protocols', () => {
    expect(() => requireUsable(PS.OF11_UP, 'OpenFlow10')).toThrow(
      'none of the usable flow formats (OXM,OpenFlow11) is among the allowed flow formats (OpenFlow10,NXM)',
    );
    expect(() => requireUsable(PS.OF11_UP, 'OpenFlow13')).not.toThrow();
  });
});
