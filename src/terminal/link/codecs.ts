import type { LinkCodec } from './frame.js';
import { guardLink } from './guard-link.js';
import { huadaSerial } from './huada-serial.js';

/** Link protocols a reader profile may name. */
export const CODECS = { 'guard-link': guardLink, 'huada-serial': huadaSerial } as const satisfies Record<string, LinkCodec>;
export type ProtocolName = keyof typeof CODECS;
export const PROTOCOL_NAMES = Object.keys(CODECS) as ProtocolName[];
