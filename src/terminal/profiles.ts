import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import { ConfigError } from '../config.js';
import { CODECS, PROTOCOL_NAMES, type ProtocolName } from './link/codecs.js';

/**
 * A reader profile (devices/profiles/<name>.json): which USB device it is and how to talk to
 * it. A new reader model is a new profile, and at most a new codec.
 */
const Hex16 = Type.String({ pattern: '^0x[0-9a-fA-F]{4}$' });
const HexByte = Type.String({ pattern: '^0x[0-9a-fA-F]{2}$' });
export const ReaderProfileSchema = Type.Object({
  $comment: Type.Optional(Type.String()),
  name: Type.String({ pattern: '^[a-z0-9-]+$' }),
  description: Type.String(),
  vendorId: Hex16,
  productId: Hex16,
  /** Picks the right interface of a composite device (vendor-defined pages are 0xFF00-0xFFFF). */
  usagePage: Type.Optional(Hex16),
  reportSize: Type.Integer({ minimum: 8, maximum: 1024 }),
  /** 0 when the device uses no report IDs; node-hid still needs that 0 as the first byte written. */
  reportId: Type.Integer({ minimum: 0, maximum: 255 }),
  protocol: Type.Unsafe<ProtocolName>({ type: 'string', enum: PROTOCOL_NAMES }),
  slots: Type.Object({ card: HexByte, psam: HexByte }, { additionalProperties: false }),
  keypad: Type.Boolean(),
}, { additionalProperties: false });

export interface ReaderProfile {
  name: string;
  description: string;
  vendorId: number;
  productId: number;
  usagePage?: number;
  reportSize: number;
  reportId: number;
  protocol: ProtocolName;
  slots: { card: number; psam: number };
  keypad: boolean;
}

/** A configuration problem: main prints its message alone, like any other bad setting. */
export class ProfileError extends ConfigError {}

export function profilesDir(devicesDir: string): string {
  return path.join(devicesDir, 'profiles');
}

export function loadProfile(devicesDir: string, name: string): ReaderProfile {
  const found = loadProfiles(devicesDir).find((p) => p.name === name);
  if (!found) throw new ProfileError(`no reader profile "${name}" in ${profilesDir(devicesDir)} (TERMINAL is mock, mock:<profile> or a profile name)`);
  return found;
}

export function loadProfiles(devicesDir: string): ReaderProfile[] {
  const dir = profilesDir(devicesDir);
  return readdirSync(dir).filter((n) => n.endsWith('.json')).sort().map((n) => parseProfile(path.join(dir, n)));
}

function parseProfile(file: string): ReaderProfile {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ProfileError(`${file}: ${(err as Error).message}`);
  }
  if (!Value.Check(ReaderProfileSchema, data)) {
    const first = [...Value.Errors(ReaderProfileSchema, data)][0];
    throw new ProfileError(`${file}: invalid reader profile at ${first?.instancePath || '/'}: ${first?.message ?? 'unknown'}`);
  }
  const p: Static<typeof ReaderProfileSchema> = data;
  if (`${p.name}.json` !== path.basename(file)) throw new ProfileError(`${file}: profile name "${p.name}" must match the file name`);
  const min = CODECS[p.protocol].minReportSize;
  if (p.reportSize < min) throw new ProfileError(`${file}: ${p.protocol} needs reports of at least ${min} bytes`);
  const profile: ReaderProfile = {
    name: p.name, description: p.description, vendorId: Number(p.vendorId), productId: Number(p.productId),
    reportSize: p.reportSize, reportId: p.reportId, protocol: p.protocol,
    slots: { card: Number(p.slots.card), psam: Number(p.slots.psam) }, keypad: p.keypad,
  };
  if (p.usagePage) profile.usagePage = Number(p.usagePage);
  return profile;
}

export function hex4(n: number): string {
  return `0x${n.toString(16).padStart(4, '0')}`;
}
