import { describe, expect, it } from 'vitest';
import { formatPort, parsePort, portMapOf } from '../../sim/flow/ports.js';

// Spellings checked against ovs-ofctl 3.1 (parse-flow / dump-flows).
describe('ports', () => {
  const ports = portMapOf([['p1', 1], ['my port', 7]]);
  it('prints reserved ports by name, 0xffff as ANY', () => {
    expect(formatPort(0xfffe)).toBe('LOCAL');
    expect(formatPort(0xfffd)).toBe('CONTROLLER');
    expect(formatPort(0xfff8)).toBe('IN_PORT');
    expect(formatPort(0xffff)).toBe('ANY');
    expect(formatPort(65279)).toBe('65279');
  });
  it('prints bridge ports by name, quoting odd names', () => {
    expect(formatPort(1, ports)).toBe('p1');
    expect(formatPort(7, ports)).toBe('"my port"');
    expect(formatPort(2, ports)).toBe('2');
  });
  it('reads numbers, reserved names in any case, and bridge names', () => {
    expect(parsePort('5')).toBe(5);
    expect(parsePort('local')).toBe(0xfffe);
    expect(parsePort('NONE')).toBe(0xffff);
    expect(parsePort('ANY')).toBe(0xffff);
    expect(parsePort('4294967294')).toBe(0xfffe);
    expect(parsePort('p1', ports)).toBe(1);
    expect(parsePort('"my port"', ports)).toBe(7);
    expect(parsePort('65536')).toBeUndefined();
    expect(parsePort('0xfffe')).toBeUndefined();
    expect(parsePort('-1')).toBeUndefined();
    expect(parsePort('p9', ports)).toBeUndefined();
  });
});
