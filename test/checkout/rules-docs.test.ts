import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REASON_VERDICTS } from '../../src/checkout/rules-verdict.js';
import { PROJECT_ROOT } from '../../src/config.js';
import { reason, REASON_CODES, reasonDef, reasonVariant, type ReasonCode } from '../../src/reasons.js';

/** The reason -> verdict table of docs/rules.md, as "CODE[/case]" -> [severity, verdict]. */
function documentedTable(): Map<string, [string, string]> {
  const text = readFileSync(path.join(PROJECT_ROOT, 'docs', 'rules.md'), 'utf8');
  const rows = new Map<string, [string, string]>();
  for (const line of text.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (!/^(ITEM_|ACCOUNT_BALANCE_LOW$)/.test(cells[1] ?? '')) continue;
    const key = cells[2] === '—' ? cells[1]! : `${cells[1]}/${cells[2]}`;
    rows.set(key, [cells[3]!, cells[4]!]);
  }
  return rows;
}

function severityOf(key: string): string {
  const [code, variant] = key.split('/') as [ReasonCode, string | undefined];
  return (variant ? reasonVariant(code as 'ITEM_QUANTITY_LIMIT', variant as 'refuse') : reason(code)).severity;
}

describe('docs/rules.md agrees with the engine', () => {
  const documented = documentedTable();

  it('documents every case the engine knows, and no other', () => {
    expect([...documented.keys()].sort()).toEqual(Object.keys(REASON_VERDICTS).sort());
  });

  it.each(Object.entries(REASON_VERDICTS))('%s leads to %s with the documented severity', (key, verdict) => {
    const line = key === 'ACCOUNT_BALANCE_LOW' ? 'warning' : severityOf(key);
    expect(documented.get(key)).toEqual([line, verdict]);
  });
});

describe('reason texts', () => {
  it('every code and every case has a zh and an en message; item and account codes say what to do', () => {
    for (const code of REASON_CODES) {
      const def = reasonDef(code);
      expect(def.message.zh && def.message.en, code).toBeTruthy();
      if (def.group === 'item' || def.group === 'account') expect(def.remedy?.zh && def.remedy.en, code).toBeTruthy();
      for (const [variant, wording] of Object.entries(def.variants ?? {})) {
        const r = reasonVariant(code as 'ITEM_QUANTITY_LIMIT', variant as 'refuse');
        expect(r.message.zh && r.message.en && r.remedy?.zh && r.remedy.en, `${code}/${variant}`).toBeTruthy();
        expect(r.detail).toEqual({ variant });
        if (wording.severity) expect(r.severity).toBe(wording.severity);
      }
    }
  });
});
