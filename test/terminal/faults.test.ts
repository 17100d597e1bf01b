import { afterEach, describe, expect, it, vi } from 'vitest';
import { ServiceFault } from '../../src/reasons.js';
import { emulated, PROFILES, settle } from './emulated.js';

/** Runs a promise under fake timers and tells whether it settled within `ms` of terminal time. */
async function settlesWithin<T>(p: Promise<T>, ms: number): Promise<T | ServiceFault | 'still pending'> {
  let done = false;
  const watched = settle(p).finally(() => {
    done = true;
  });
  await vi.advanceTimersByTimeAsync(ms);
  return done ? watched : 'still pending';
}

afterEach(() => {
  vi.useRealTimers();
});

describe.each(PROFILES)('faults on the %s link', (profile) => {
  it('unplugged mid-read: TERMINAL_UNAVAILABLE at once, and the next read after re-plug works without restart', async () => {
    const { terminal, slot } = emulated({ profile });
    slot.insert('normal');
    slot.inject({ kind: 'unplug', after: 5 });
    const fault = await settle(terminal.read());
    expect(fault).toBeInstanceOf(ServiceFault);
    expect((fault as ServiceFault).reason).toMatchObject({ code: 'TERMINAL_UNAVAILABLE', detail: { readerError: -11 } });
    expect(await terminal.status()).toMatchObject({ connected: false });
    expect(await settle(terminal.read())).toMatchObject({ code: 'TERMINAL_UNAVAILABLE' });
    slot.inject({ kind: 'replug' });
    const again = await terminal.read();
    expect(again.card?.cardNumber).toBe('X00000019');
    expect(await terminal.status()).toMatchObject({ connected: true, psamPresent: true, cardPresent: true });
  });

  it('unplugged and plugged back in while idle: the next read just works on a fresh handle', async () => {
    const { terminal, slot } = emulated({ profile });
    slot.insert('normal');
    expect((await terminal.read()).checks).toEqual([]);
    slot.inject({ kind: 'unplug' });
    slot.inject({ kind: 'replug' });
    expect((await terminal.read()).card?.cardNumber).toBe('X00000019');
  });

  it('unplugged silently (the USB stack just goes quiet): TERMINAL_UNAVAILABLE within the configured timeout', async () => {
    vi.useFakeTimers();
    const { terminal, slot } = emulated({ profile, timeoutMs: 800 });
    slot.insert('normal');
    slot.inject({ kind: 'unplug', after: 7, silent: true });
    const result = await settlesWithin(terminal.read(), 800);
    expect(result).toBeInstanceOf(ServiceFault);
    expect((result as ServiceFault).reason).toMatchObject({ code: 'TERMINAL_UNAVAILABLE', detail: { readerError: -11 } });
    slot.clearFaults();
    vi.useRealTimers();
    expect((await terminal.read()).card?.name).toBe('孙八');
  });

  it('a slow terminal: TERMINAL_TIMEOUT within the timeout, and the next read works', async () => {
    vi.useFakeTimers();
    const { terminal, slot } = emulated({ profile, timeoutMs: 500 });
    slot.insert('normal');
    slot.inject({ kind: 'slow', after: 3, delayMs: 2000 });
    const result = await settlesWithin(terminal.read(), 500);
    expect((result as ServiceFault).reason).toMatchObject({ code: 'TERMINAL_TIMEOUT', detail: { readerError: -32 } });
    // The terminal finishes its slow answer into the connection the link has dropped.
    await vi.advanceTimersByTimeAsync(2000);
    vi.useRealTimers();
    const read = await terminal.read();
    expect(read.checks).toEqual([]);
    expect(read.card?.cardId).toBe('330300D1560000001999110145FFFFFF');
  });

  it('a garbled answer is asked for again (REPEAT) and the read succeeds', async () => {
    const { terminal, slot } = emulated({ profile });
    slot.insert('normal');
    slot.inject({ kind: 'garble', after: 4, count: 2 });
    const read = await terminal.read();
    expect(read.card?.cardNumber).toBe('X00000019');
    expect(slot.faults()).toEqual([]);
  });

  it('an answer garbled again and again: TERMINAL_UNAVAILABLE (-15); the next read works', async () => {
    const { terminal, slot } = emulated({ profile });
    slot.insert('normal');
    // The answer and both repeats of it arrive garbled.
    slot.inject({ kind: 'garble', after: 2, count: 3 });
    expect(await settle(terminal.read())).toMatchObject({ reason: { code: 'TERMINAL_UNAVAILABLE', detail: { readerError: -15 } } });
    slot.clearFaults();
    expect((await terminal.read()).card?.cardNumber).toBe('X00000019');
  });

  it('a truncated answer (multi-report INFO, single-report APDU) is recovered', async () => {
    const { terminal, slot } = emulated({ profile });
    slot.insert('normal');
    slot.inject({ kind: 'truncate', count: 1 });
    expect(await terminal.status()).toMatchObject({ connected: true, cardPresent: true });
    slot.inject({ kind: 'truncate', after: 6, count: 1 });
    expect((await terminal.read()).card?.cardNumber).toBe('X00000019');
  });

  it('the card pulled mid-read: CARD_ABSENT, not a device fault; put back, it reads', async () => {
    const { terminal, slot } = emulated({ profile });
    slot.insert('normal');
    slot.inject({ kind: 'pull-card', after: 6 });
    const read = await terminal.read();
    expect(read.card).toBeUndefined();
    expect(read.checks).toMatchObject([{ code: 'CARD_ABSENT', detail: { readerError: -2 } }]);
    expect(read.checks[0]!.remedy?.en).toMatch(/Insert the social security card/);
    slot.insert('normal');
    expect((await terminal.read()).card?.cardNumber).toBe('X00000019');
  });

  it('no PSAM: PSAM_MISSING (-2201), a system fault whatever the card', async () => {
    const { terminal, slot } = emulated({ profile });
    slot.insert('normal');
    slot.inject({ kind: 'remove-psam' });
    expect(await settle(terminal.read())).toMatchObject({ reason: { code: 'PSAM_MISSING', detail: { readerError: -2201 } } });
    expect(await terminal.status()).toMatchObject({ connected: true, psamPresent: false });
    slot.inject({ kind: 'insert-psam' });
    expect((await terminal.read()).checks).toEqual([]);
  });

  it('serialises concurrent operations on the one terminal', async () => {
    const { terminal, slot } = emulated({ profile });
    slot.insert('normal');
    const reads = await Promise.all([terminal.read(), terminal.read(), terminal.status(), terminal.read()]);
    expect(reads.filter((r) => 'card' in r && r.card?.cardNumber === 'X00000019')).toHaveLength(3);
  });
});
