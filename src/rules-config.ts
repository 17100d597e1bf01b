import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import { PROJECT_ROOT } from './config.js';
import { parseRatio } from './money.js';

const Handling = Type.Union([Type.Literal('self-pay-excess'), Type.Literal('refuse')]);
const NationalCode = '^[XZ][A-Z0-9]{19}([A-Z0-9]{3})?$';

/** Regional rules as data (config/rules.json); every key is explained in config/README.md. */
export const RulesConfigSchema = Type.Object({
  $comment: Type.Optional(Type.String()),
  region: Type.String({ pattern: '^\\d{6}$' }),
  initialPin: Type.Object({
    $comment: Type.Optional(Type.String()),
    rules: Type.Array(Type.String({ pattern: '^(card-number-last-6|fixed:\\d{6})$' })),
  }),
  quantityLimits: Type.Object({
    $comment: Type.Optional(Type.String()),
    maxPerLine: Type.Integer({ minimum: 1 }),
    maxPerCodePerPurchase: Type.Integer({ minimum: 1 }),
    perCode: Type.Record(Type.String({ pattern: NationalCode }), Type.Integer({ minimum: 1 }), { additionalProperties: false }),
    maxLinesPerPurchase: Type.Integer({ minimum: 1 }),
    overLimit: Handling,
  }, { additionalProperties: false }),
  overCap: Type.Object({
    $comment: Type.Optional(Type.String()),
    default: Handling,
  }, { additionalProperties: false }),
  classB: Type.Object({
    $comment: Type.Optional(Type.String()),
    defaultSelfPayRatio: Type.String({ pattern: '^(0(\\.\\d{1,4})?|1(\\.0{1,4})?)$' }),
  }, { additionalProperties: false }),
  restrictedScopes: Type.Object({
    $comment: Type.Optional(Type.String()),
    hospitalOnly: Type.Array(Type.String({ minLength: 1 })),
  }, { additionalProperties: false }),
}, { additionalProperties: false });
export type RulesConfig = Static<typeof RulesConfigSchema>;

export const DEFAULT_RULES_FILE = path.join(PROJECT_ROOT, 'config', 'rules.json');

export class RulesConfigError extends Error {
  override name = 'RulesConfigError';
}

/** Reads and validates a rules file; a file that does not match stops the start, naming the key. */
export function loadRulesConfig(file: string = DEFAULT_RULES_FILE): RulesConfig {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new RulesConfigError(`cannot read rules file ${file}: ${(err as Error).message}`);
  }
  const problem = rulesConfigProblem(data);
  if (problem) throw new RulesConfigError(`rules file ${file}: ${problem}`);
  return data as RulesConfig;
}

/** The first thing wrong with a would-be rules config, as "<json pointer> <what>", or null. */
export function rulesConfigProblem(data: unknown): string | null {
  if (!Value.Check(RulesConfigSchema, data)) {
    const first = [...Value.Errors(RulesConfigSchema, data)][0];
    return `${first?.instancePath || '/'} ${first?.message ?? 'is invalid'}`;
  }
  if (parseRatio(data.classB.defaultSelfPayRatio) === undefined) return '/classB/defaultSelfPayRatio must be a proportion from 0 to 1';
  return null;
}
