import { ReaderTerminal, type ReaderTerminalOptions } from '../card/reader-terminal.js';
import { loadTerminalSetup } from '../emulator/terminal-setup.js';
import type { VirtualCard } from '../emulator/virtual-cards.js';
import { VirtualTerminal } from '../emulator/virtual-terminal.js';
import { HidLink } from './hid-link.js';
import { CODECS } from './link/codecs.js';
import { MockTransportOpener } from './mock-transport.js';
import type { ReaderProfile } from './profiles.js';

export interface MockTerminalOptions extends Omit<ReaderTerminalOptions, 'link' | 'dev'> {
  devicesDir: string;
  /** The reader profile the emulator plays: its protocol, report size, slots. */
  profile: ReaderProfile;
  cards: Map<string, VirtualCard>;
  log?: (message: string, detail: Record<string, unknown>) => void;
}

/**
 * The mock terminal: the emulated device behind the in-process transport, driven by the same
 * link, codec and card reader as a real USB terminal. Only the last hop is simulated.
 */
export function createMockTerminal(options: MockTerminalOptions): { terminal: ReaderTerminal; device: VirtualTerminal } {
  const device = new VirtualTerminal({ profile: options.profile, setup: loadTerminalSetup(options.devicesDir), cards: options.cards });
  const link = new HidLink({ kind: 'mock', opener: new MockTransportOpener(device), codec: CODECS[options.profile.protocol], profile: options.profile, ...(options.log ? { log: options.log } : {}) });
  const { devicesDir: _d, profile: _p, cards: _c, log: _l, ...reader } = options;
  return { terminal: new ReaderTerminal({ ...reader, link, dev: device.slot }), device };
}
