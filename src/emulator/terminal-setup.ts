import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';

const Hex32 = Type.String({ pattern: '^[0-9A-F]{32}$' });

/** devices/emulator/terminal.json: who the emulated terminal says it is, and its PSAM. */
export const TerminalSetupSchema = Type.Object({
  $comment: Type.Optional(Type.String()),
  model: Type.String({ minLength: 1, maxLength: 64 }),
  terminalNumber: Type.String({ pattern: '^[0-9A-Za-z]{1,32}$' }),
  deviceNumber: Type.String({ pattern: '^[0-9A-Za-z]{1,32}$' }),
  psam: Type.Object({
    atr: Type.String({ pattern: '^([0-9A-F]{2}){2,33}$' }),
    /** The emulator implements SM4 only, as current cards use. */
    algorithms: Type.Array(Type.Literal('SM4'), { maxItems: 1 }),
    keys: Type.Object({ internalAuth: Hex32, externalAuth: Hex32 }),
  }),
}, { additionalProperties: false });
export type TerminalSetup = Static<typeof TerminalSetupSchema>;

export function loadTerminalSetup(devicesDir: string): TerminalSetup {
  const file = path.join(devicesDir, 'emulator', 'terminal.json');
  const data: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!Value.Check(TerminalSetupSchema, data)) {
    const first = [...Value.Errors(TerminalSetupSchema, data)][0];
    throw new Error(`${file}: invalid emulator setup at ${first?.instancePath || '/'}: ${first?.message ?? 'unknown'}`);
  }
  return data;
}
