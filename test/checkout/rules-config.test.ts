import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rulesPolicy } from '../../src/checkout/rules-policy.js';
import { DEFAULT_RULES_FILE, loadRulesConfig, RulesConfigError } from '../../src/rules-config.js';

const dir = mkdtempSync(path.join(tmpdir(), 'rules-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, data: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, typeof data === 'string' ? data : JSON.stringify(data));
  return file;
}

describe('config/rules.json', () => {
  it('the shipped file is valid and parses into the engine policy', () => {
    const config = loadRulesConfig(DEFAULT_RULES_FILE);
    const p = rulesPolicy(config);
    expect(p.classBDefaultRatio).toBe(1000);
    expect(p.overCapDefault).toBe('self-pay-excess');
    expect(p.hospitalOnlyScopes).toContain('限住院');
    expect(config.initialPin.rules.length).toBeGreaterThan(0);
  });

  const base = loadRulesConfig(DEFAULT_RULES_FILE);
  it.each([
    ['an unknown key', { ...base, maxBasket: 3 }, '/maxBasket'],
    ['a zero line limit', { ...base, quantityLimits: { ...base.quantityLimits, maxPerLine: 0 } }, '/quantityLimits/maxPerLine'],
    ['a per-code key that is not a national code', { ...base, quantityLimits: { ...base.quantityLimits, perCode: { abc: 2 } } }, '/quantityLimits/perCode'],
    ['an unknown over-cap handling', { ...base, overCap: { default: 'ignore' } }, '/overCap/default'],
    ['an unknown over-limit handling', { ...base, quantityLimits: { ...base.quantityLimits, overLimit: 'warn' } }, '/quantityLimits/overLimit'],
    ['a ratio above 1', { ...base, classB: { defaultSelfPayRatio: '1.5' } }, '/classB/defaultSelfPayRatio'],
    ['a missing section', { ...base, restrictedScopes: undefined }, 'restrictedScopes'],
  ])('refuses %s, naming the key', (_, data, key) => {
    const file = write('bad.json', data);
    expect(() => loadRulesConfig(file)).toThrow(RulesConfigError);
    expect(() => loadRulesConfig(file)).toThrow(key);
  });

  it('refuses a file that is not JSON', () => {
    expect(() => loadRulesConfig(write('broken.json', '{ "region": '))).toThrow(/cannot read rules file/);
  });

  it('accepts per-code limits for national codes', () => {
    const file = write('ok.json', { ...base, quantityLimits: { ...base.quantityLimits, perCode: { XA10BAE001A001010100321: 6, ZA04BAL0235010102006: 2 } } });
    expect(rulesPolicy(loadRulesConfig(file)).perCode.get('XA10BAE001A001010100321')).toBe(6);
  });
});
