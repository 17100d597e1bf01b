import path from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { PlatformClient, type PlatformClientOptions } from '../../src/account/client.js';
import { createSigner, type SignerConfig } from '../../src/account/signing/index.js';
import { HttpTransport } from '../../src/account/transport.js';
import type { PersonCredential } from '../../src/account/tx/1101-person-info.js';
import { PROJECT_ROOT } from '../../src/config.js';
import { loadVirtualCards, type VirtualCard } from '../../src/emulator/virtual-cards.js';
import { buildSimulator, DEFAULT_PLATFORM_PATH, type SimulatorApp, type SimulatorOptions } from '../../src/simulator/app.js';

export const SHIPPED_CARDS = loadVirtualCards(path.join(PROJECT_ROOT, 'devices'));

/**
 * A back-office variant of the shipped normal card, with its own card id, number and ID
 * number so it can sit beside the shipped ones in one simulator.
 */
type InsuRow = VirtualCard['backOffice']['insuinfo'][number];

export function variantCard(scenario: string, serial: number, backOffice: { cardState?: string; insuinfo?: InsuRow[] }): VirtualCard {
  const card = structuredClone(SHIPPED_CARDS.get('normal')!);
  const n = String(serial).padStart(2, '0');
  card.scenario = scenario;
  card.chip.ef05.cardId = `330300D156000000${n}99110145FFFFFF`;
  card.chip.ef05.cardNumber = `X000009${n}`;
  card.chip.ef06.idNumber = `3303021990010199${n}`;
  card.backOffice = { ...card.backOffice, psnNo: `3303000000000099${n}`, ...backOffice } as VirtualCard['backOffice'];
  return card;
}

// Built loosely and cast: the rows deliberately hold combinations the shipped files lack.
const row = (over: Record<string, string | null>): InsuRow => ({
  balc: '300.00', insutype: '310', psn_type: '11', psn_insu_stas: '1', psn_insu_date: '2015-07-01', paus_insu_date: null,
  cvlserv_flag: '0', insuplc_admdvs: '330300', emp_name: '温州示例科技有限公司', ...over,
}) as unknown as InsuRow;

/** The shipped cards plus variants the shipped set lacks: status 0, several rows, card states 7 and 8. */
export function testCards(): Map<string, VirtualCard> {
  const cards = new Map(SHIPPED_CARDS);
  for (const card of [
    variantCard('status-zero', 1, { insuinfo: [row({ psn_insu_stas: '0', balc: '0.00' })] }),
    variantCard('several-rows', 2, { insuinfo: [row({ insutype: '390', psn_insu_stas: '4', balc: '0.00' }), row({ psn_insu_stas: '1', balc: '512.30' }), row({ insutype: '320', psn_insu_stas: '2', paus_insu_date: '2025-01-01' })] }),
    variantCard('suspended-and-terminated', 3, { insuinfo: [row({ insutype: '390', psn_insu_stas: '4' }), row({ psn_insu_stas: '2', paus_insu_date: '2026-03-01', balc: '12.00' })] }),
    variantCard('pre-reported-lost', 4, { cardState: '8' }),
    variantCard('voided', 5, { cardState: '7' }),
  ]) cards.set(card.scenario, card);
  return cards;
}

export interface PlatformFixture {
  sim: SimulatorApp;
  url: string;
  client: PlatformClient;
  /** A client with other options against the same simulator (closed with the fixture). */
  newClient(overrides?: Partial<PlatformClientOptions>): PlatformClient;
  /** Moves the clients' clock forward (breaker cooldowns, sign-in age, cache age). */
  advance(ms: number): void;
  close(): Promise<void>;
}

export const IDENTITY = { fixmedinsCode: 'P33030000001', fixmedinsName: '示例大药房', admvs: '330300', opter: 'guard', opterName: 'checkout-guard' };

/** A simulator on 127.0.0.1 and a client speaking to it over real HTTP. */
export async function startPlatform(options: { signer?: SignerConfig; pathTemplate?: string; client?: Partial<PlatformClientOptions>; simulator?: Partial<SimulatorOptions> } = {}): Promise<PlatformFixture> {
  const signer = options.signer ?? { kind: 'none', appId: '', secret: '', sm4Key: '' };
  const pathTemplate = options.pathTemplate ?? DEFAULT_PLATFORM_PATH;
  const sim = await buildSimulator({ cards: testCards(), signer, pathTemplate, ...options.simulator });
  const url = await sim.listen({ host: '127.0.0.1', port: 0 });
  let offset = 0;
  const clock = () => Date.now() + offset;
  const clients: PlatformClient[] = [];
  const newClient = (overrides: Partial<PlatformClientOptions> = {}) => {
    const client = new PlatformClient({
      identity: IDENTITY,
      transport: new HttpTransport({ baseUrl: url, pathTemplate, connections: 4 }),
      signer: createSigner(signer),
      timeoutMs: 2000,
      retries: 2,
      signInMaxAgeMs: 3600_000,
      breaker: { failureThreshold: 100, cooldownMs: 1000 },
      clock,
      ...options.client,
      ...overrides,
    });
    clients.push(client);
    return client;
  };
  const client = newClient();
  return {
    sim, url, client, newClient,
    advance: (ms) => {
      offset += ms;
    },
    close: async () => {
      for (const c of clients) await c.close();
      await sim.close();
    },
  };
}

/**
 * startPlatform for a whole test file: started before its tests, faults and request counts
 * cleared after each, closed at the end. The fixture is filled in when the file's tests start.
 */
export function usePlatform(options: Parameters<typeof startPlatform>[0] = {}): PlatformFixture {
  const p = {} as PlatformFixture;
  beforeAll(async () => {
    Object.assign(p, await startPlatform(options));
  });
  afterEach(() => {
    p.sim.control.clearFaults();
    p.sim.control.resetRequests();
  });
  afterAll(async () => p.close());
  return p;
}

/** What the counter would have read from this virtual card's chip. */
export function credentialOf(card: VirtualCard): PersonCredential {
  return { kind: 'card', cardNumber: card.chip.ef05.cardNumber, cardSn: card.chip.ef05.cardId, idNumber: card.chip.ef06.idNumber, name: card.chip.ef06.name, regionCode: card.chip.ef05.cardId.slice(0, 6) };
}

export function scenarioCard(fixture: PlatformFixture, scenario: string): VirtualCard {
  const card = fixture.sim.control.state.cardForScenario(scenario);
  if (!card) throw new Error(`no test card ${scenario}`);
  return card;
}
