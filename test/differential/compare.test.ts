import { describe, expect, it } from 'vitest';
import { canonActions, compareTrace, splitTop } from './compare.js';

describe('canonActions', () => {
  it('sorts each run of plain output ports and keeps other actions in place', () => {
    expect(canonActions('100,3,1')).toBe('1,3,100');
    expect(canonActions('3,1,set(eth(src=00:00:00:00:00:01)),5,2')).toBe('1,3,set(eth(src=00:00:00:00:00:01)),2,5');
    expect(canonActions('push_vlan(vid=10,pcp=0),2,1')).toBe('push_vlan(vid=10,pcp=0),1,2');
    expect(canonActions('drop')).toBe('drop');
    expect(canonActions(null)).toBeNull();
  });

  it('masks the recirc_id of a controller action', () => {
    const a = 'userspace(pid=0,controller(reason=1,dont_send=1,continuation=0,recirc_id=7,rule_cookie=0,controller_id=0,max_len=64)),2';
    expect(canonActions(a)).toBe(
      'userspace(pid=0,controller(reason=1,dont_send=1,continuation=0,recirc_id=X,rule_cookie=0,controller_id=0,max_len=64)),2',
    );
  });

  it('splits on top-level commas only', () => {
    expect(splitTop('set(ipv4(src=1.1.1.1,dst=2.2.2.2)),1')).toEqual(['set(ipv4(src=1.1.1.1,dst=2.2.2.2))', '1']);
  });
});

describe('compareTrace', () => {
  const ok = { megaflow: 'recirc_id=0,eth,in_port=1,dl_type=0x0000', actions: '2,1', error: null };
  it('equal up to flood order, megaflow as text', () => {
    expect(compareTrace(ok, { ...ok, actions: '1,2' })).toEqual({ actionsEqual: true, megaflowEqual: true });
    expect(compareTrace(ok, { ...ok, megaflow: 'recirc_id=0,eth,in_port=1' })).toEqual({ actionsEqual: true, megaflowEqual: false });
  });
  it('a trace refused by one side only differs in both respects', () => {
    const bad = { megaflow: null, actions: null, error: 'Bad openflow flow syntax' };
    expect(compareTrace(ok, bad)).toEqual({ actionsEqual: false, megaflowEqual: false });
    expect(compareTrace(bad, bad)).toEqual({ actionsEqual: true, megaflowEqual: true });
  });
});
