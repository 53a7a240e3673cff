/**
 * The table-miss flow controller apps install on connect. OpenFlow 1.3 switches drop a
 * packet that matches no flow, so an app that wants packet-ins must ask for them; max_len
 * 65535 (OFPCML_NO_BUFFER) asks for the whole packet, unbuffered.
 */
export const TABLE_MISS_TO_CONTROLLER = 'priority=0,actions=CONTROLLER:65535';
