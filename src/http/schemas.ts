import { Type } from 'typebox';
import { REASON_CODES, type ReasonCode } from '../reasons.js';

const Text = Type.Object({ zh: Type.String(), en: Type.String() });

export const ReasonSchema = Type.Object({
  code: Type.Unsafe<ReasonCode>({ type: 'string', enum: REASON_CODES }),
  severity: Type.Union([Type.Literal('error'), Type.Literal('warning'), Type.Literal('info')]),
  message: Text,
  remedy: Type.Optional(Text),
  detail: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});

export const ErrorSchema = Type.Object({ error: ReasonSchema });

export const MaskedCardSchema = Type.Object({
  regionCode: Type.String(),
  cardId: Type.String(),
  cardNumber: Type.String({ examples: ['X0000****'] }),
  idNumber: Type.String({ examples: ['1111**********1110'] }),
  name: Type.String({ examples: ['张*'] }),
  specVersion: Type.String(),
  issueDate: Type.String(),
  expiryDate: Type.String(),
});

/** Yuan as a decimal string with at most two decimals: "12.50". */
export const Amount = Type.String({ pattern: '^(0|[1-9]\\d{0,9})(\\.\\d{1,2})?$', examples: ['12.50'] });
export const SignedAmount = Type.String({ pattern: '^-?\\d+\\.\\d{2}$' });

/** A card session id as /v1/card/read returns it. */
export const CARD_SESSION_EXAMPLE = '5f0c1f4e-8d7a-4c1e-9a53-2b7de0c4a6f1';

export const CardSessionBody = Type.Object({
  cardSession: Type.String({ minLength: 1, maxLength: 64, description: 'From /v1/card/read; valid for one checkout' }),
}, { additionalProperties: false, examples: [{ cardSession: CARD_SESSION_EXAMPLE }] });

export const AccountSchema = Type.Object({
  eligible: Type.Boolean(),
  insured: Type.Boolean(),
  personType: Type.Union([Type.String(), Type.Null()], { description: '1101 psn_type of the deciding insurance row (e.g. "11" employed, "21" retired; codes vary by province): the class-B share may depend on it' }),
  status: Type.Union([Type.String(), Type.Null()]),
  insuranceType: Type.Union([Type.String(), Type.Null()]),
  balance: Type.Union([SignedAmount, Type.Null()]),
  suspendedSince: Type.Union([Type.String(), Type.Null()]),
  reasons: Type.Array(ReasonSchema),
});

export const errorResponses = {
  400: ErrorSchema,
  401: ErrorSchema,
  403: ErrorSchema,
  404: ErrorSchema,
  503: ErrorSchema,
};
