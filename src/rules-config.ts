import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import { PROJECT_ROOT } from './config.js';

/** Regional rules as data (config/rules.json); see config/README.md. */
export const RulesConfigSchema = Type.Object({
  $comment: Type.Optional(Type.String()),
  region: Type.String({ pattern: '^\\d{6}$' }),
  initialPin: Type.Object({
    $comment: Type.Optional(Type.String()),
    rules: Type.Array(Type.String({ pattern: '^(card-number-last-6|fixed:\\d{6})$' })),
  }),
  quantityLimits: Type.Object({
    maxPerLine: Type.Integer({ minimum: 1 }),
    maxLinesPerPurchase: Type.Integer({ minimum: 1 }),
    perCode: Type.Record(Type.String(), Type.Integer({ minimum: 1 })),
  }),
  overCap: Type.Object({
    $comment: Type.Optional(Type.String()),
    default: Type.Union([Type.Literal('self-pay-excess'), Type.Literal('refuse')]),
  }),
  restrictedScopes: Type.Object({
    $comment: Type.Optional(Type.String()),
    hospitalOnly: Type.Array(Type.String({ minLength: 1 })),
  }),
}, { additionalProperties: false });
export type RulesConfig = Static<typeof RulesConfigSchema>;

export const DEFAULT_RULES_FILE = path.join(PROJECT_ROOT, 'config', 'rules.json');

export function loadRulesConfig(file: string = DEFAULT_RULES_FILE): RulesConfig {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read rules file ${file}: ${(err as Error).message}`);
  }
  if (!Value.Check(RulesConfigSchema, data)) {
    const first = [...Value.Errors(RulesConfigSchema, data)][0];
    throw new Error(`rules file ${file}: ${first?.instancePath || '/'} ${first?.message ?? 'is invalid'}`);
  }
  return data;
}
