import type { CardTerminal } from '../card/terminal.js';
import { ReaderTerminal } from '../card/reader-terminal.js';
import type { VirtualCard } from '../emulator/virtual-cards.js';
import { HidLink } from './hid-link.js';
import { CODECS } from './link/codecs.js';
import { createMockTerminal } from './mock-terminal.js';
import { NodeHidOpener, type NodeHidLoader } from './node-hid-transport.js';
import { loadProfile } from './profiles.js';

/** The emulator plays this profile when TERMINAL is plain `mock`. */
export const DEFAULT_MOCK_PROFILE = 'guard-usb64';

export interface TerminalChoice {
  /** `mock`, `mock:<profile>` (the emulator speaking that profile's protocol) or a profile name. */
  terminal: string;
  devicesDir: string;
  terminalTimeoutMs: number;
  pinEntrySeconds: number;
  initialPinRules: readonly string[];
  cards: Map<string, VirtualCard>;
  log?: (message: string, detail: Record<string, unknown>) => void;
  loadNodeHid?: NodeHidLoader;
}

/** Builds the configured terminal. A real reader is only looked for on first use, so the service starts without it. */
export function createTerminal(c: TerminalChoice): CardTerminal {
  const reader = { timeoutMs: c.terminalTimeoutMs, pinEntrySeconds: c.pinEntrySeconds, initialPinRules: c.initialPinRules };
  const log = c.log ? { log: c.log } : {};
  if (c.terminal === 'mock' || c.terminal.startsWith('mock:')) {
    const profile = loadProfile(c.devicesDir, c.terminal === 'mock' ? DEFAULT_MOCK_PROFILE : c.terminal.slice(5));
    return createMockTerminal({ ...reader, ...log, devicesDir: c.devicesDir, profile, cards: c.cards }).terminal;
  }
  const profile = loadProfile(c.devicesDir, c.terminal);
  const link = new HidLink({ kind: profile.name, opener: new NodeHidOpener(profile, c.loadNodeHid), codec: CODECS[profile.protocol], profile, ...log });
  return new ReaderTerminal({ ...reader, link });
}
