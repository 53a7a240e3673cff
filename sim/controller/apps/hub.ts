/**
 * The hub: every packet goes up to the controller and is flooded back out. The switch
 * learns nothing and holds one flow, so every packet pays the round trip — the slow path
 * at its slowest, a baseline for the learning switch.
 */
import type { ControllerApp } from '../app.js';
import { TABLE_MISS_TO_CONTROLLER } from './table-miss.js';

/**
 * @example
 * const ctl = new Controller([hub()]);
 */
export function hub(): ControllerApp {
  return {
    name: 'hub',
    switchConnected(sw) {
      sw.sendFlowMod(TABLE_MISS_TO_CONTROLLER);
    },
    packetIn(sw, ev) {
      sw.packetOut(ev.frame, ev.inPort, 'FLOOD', { bufferId: ev.msg.bufferId });
    },
  };
}
