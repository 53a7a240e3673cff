/**
 * OpenFlow controllers: the controller side of the protocol, the app API and the
 * built-in apps. See README.md.
 */
export { PacketInEvent, type ControllerApp } from './app.js';
export {
  ConnectionClosedError, OpenFlowError, SwitchConnection,
  type ConnectionCounters, type DumpFlowsOptions, type FlowModOptions,
} from './connection.js';
export { Controller, type AttachOptions, type ControllerOptions } from './controller.js';
export { parseListenRemote, type ControllerListener } from './listen.js';
export { OFP_TCP_PORT, RemoteSyntaxError, type PassiveRemote } from '../stream/passive-remote.js';
export { hub } from './apps/hub.js';
export { LearningSwitch, learningSwitch, type LearningSwitchOptions } from './apps/learning.js';
export {
  describePacket, Firewall, FirewallRuleError, formatRule, parseFirewallRules,
  type DeniedPacket, type FirewallAction, type FirewallOptions, type FirewallProto, type FirewallRule,
} from './apps/firewall.js';
export { TABLE_MISS_TO_CONTROLLER } from './apps/table-miss.js';
