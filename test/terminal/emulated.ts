import { createHash } from 'node:crypto';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/config.js';
import { ServiceFault } from '../../src/reasons.js';
import { loadVirtualCards, type VirtualCard } from '../../src/emulator/virtual-cards.js';
import { createMockTerminal } from '../../src/terminal/mock-terminal.js';
import { loadProfile } from '../../src/terminal/profiles.js';

export const devicesDir = path.join(PROJECT_ROOT, 'devices');
export const PROFILES = ['guard-usb64', 'huada-hid'] as const;

/** The byte-level mock terminal with the shipped cards (plus extra ones), for one test. */
export function emulated(options: { profile?: string; timeoutMs?: number; rules?: string[]; extraCards?: VirtualCard[]; today?: string } = {}) {
  const cards = loadVirtualCards(devicesDir);
  for (const c of options.extraCards ?? []) cards.set(c.scenario, c);
  const { terminal, device } = createMockTerminal({
    devicesDir, profile: loadProfile(devicesDir, options.profile ?? 'guard-usb64'), cards,
    timeoutMs: options.timeoutMs ?? 1000, pinEntrySeconds: 5, initialPinRules: options.rules ?? ['card-number-last-6', 'fixed:123456'],
    ...(options.today ? { today: () => options.today! } : {}),
  });
  return { terminal, device, slot: terminal.dev!, cards };
}

/** A copy of a shipped card under a new scenario name, changed by `tweak`. */
export function variant(scenario: string, base: string, tweak: (c: VirtualCard) => void): VirtualCard {
  const c = structuredClone(loadVirtualCards(devicesDir).get(base)!);
  c.scenario = scenario;
  // Another physical card: the emulator keeps chip state per card identification code.
  const serial = createHash('sha256').update(scenario).digest('hex').slice(0, 8).toUpperCase();
  c.chip.ef05.cardId = c.chip.ef05.cardId.slice(0, 16) + serial + c.chip.ef05.cardId.slice(24);
  tweak(c);
  return c;
}

/** The settled value of a promise, or the ServiceFault it rejected with (anything else is rethrown). */
export async function settle<T>(p: Promise<T>): Promise<T | ServiceFault> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof ServiceFault) return err;
    throw err;
  }
}
