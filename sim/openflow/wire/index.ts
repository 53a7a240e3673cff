/**
 * The OpenFlow wire codec: what the switch side, the controllers and `ovsim ofctl`
 * import. See README.md for the layout.
 */
export { decode, encode, encodeMultipartReply, errorMessage, OfDecodeError, type Decoded, type DecodeOptions, type EncodeOptions } from './codec.js';
export { FrameDecoder, XidAllocator, OFP_HEADER_LEN, OFP_MAX_MESSAGE_LEN, type FrameDecoderOptions } from './header.js';
export { negotiateVersion, SUPPORTED_VERSIONS } from './hello.js';
export { ERROR_NAMES, errorCodes, errorName, WireError, type ErrorCodes, type OfpErrorName } from './errors.js';
export { entryFromFlowMod, flowModFromEntry } from './msg-flow.js';
export { decodeOfpacts, encodeOfpacts } from './actions.js';
export { NO_BUFFER, OFPG_ANY, portFromOf11, portToOf11 } from './ports.js';
export * from './messages.js';
