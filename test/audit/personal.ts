import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/config.js';

/** Full personal values of every virtual card: none may ever be found in the audit database or the logs. */
export function personalValues(): { scenario: string; what: string; value: string }[] {
  const dir = path.join(PROJECT_ROOT, 'devices', 'cards');
  return readdirSync(dir).filter((f) => f.endsWith('.json')).flatMap((f) => {
    const card = JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as { chip: { ef05?: { cardNumber?: string; cardId?: string }; ef06?: { idNumber?: string; name?: string }; pin?: string; keypadEntry?: string }; backOffice?: { psnNo?: string } };
    const scenario = f.replace(/\.json$/, '');
    const values: [string, string | undefined][] = [
      ['card number', card.chip.ef05?.cardNumber], ['card id', card.chip.ef05?.cardId], ['ID number', card.chip.ef06?.idNumber],
      ['name', card.chip.ef06?.name], ['PIN', card.chip.pin], ['PIN typed', card.chip.keypadEntry], ['platform person number', card.backOffice?.psnNo],
    ];
    return values.filter((v): v is [string, string] => typeof v[1] === 'string' && v[1].length > 1).map(([what, value]) => ({ scenario, what, value }));
  });
}

/** Every byte of a SQLite database: main file, WAL and shared memory, as they are on disk now. */
export function databaseBytes(file: string): Buffer {
  return Buffer.concat([file, `${file}-wal`, `${file}-shm`].filter(existsSync).map((p) => readFileSync(p)));
}

/**
 * The personal values found in `bytes`. A PIN is a short run of digits that a hash or UUID
 * can hold by chance, so it counts only standing alone (not inside a longer run of letters or digits).
 */
export function findPersonal(bytes: Buffer): string[] {
  const text = bytes.toString('latin1');
  return personalValues().filter(({ what, value }) => {
    const stored = Buffer.from(value, 'utf8').toString('latin1');
    if (!what.startsWith('PIN')) return text.includes(stored);
    return new RegExp(`(?<![0-9A-Za-z])${stored}(?![0-9A-Za-z])`).test(text);
  }).map(({ scenario, what }) => `${scenario}: ${what}`);
}
