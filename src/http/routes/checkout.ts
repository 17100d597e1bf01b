import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ItemRef } from '../../catalogue/entry.js';
import type { Counter } from '../../checkout/counter.js';
import type { BasketLine } from '../../checkout/rules.js';
import { parseYuan } from '../../money.js';
import { ServiceFault } from '../../reasons.js';
import { AccountSchema, Amount, errorResponses, MaskedCardSchema, ReasonSchema, SignedAmount } from '../schemas.js';

export const MAX_LINES = 500;

const Item = Type.Object({
  lineId: Type.String({ minLength: 1, maxLength: 64 }),
  code: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
  barcode: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
  localCode: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  quantity: Type.Integer({ minimum: 1, maximum: 9999 }),
  unitPrice: Amount,
  prescription: Type.Optional(Type.Object({
    rxNo: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    diagnosis: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  }, { additionalProperties: false })),
}, { additionalProperties: false });

const PrecheckBody = Type.Object({
  cardSession: Type.String({ minLength: 1, maxLength: 64 }),
  cashierId: Type.String({ minLength: 1, maxLength: 64 }),
  items: Type.Array(Item, { minItems: 1, maxItems: MAX_LINES }),
}, { additionalProperties: false });

const PrecheckAnswer = Type.Object({
  decisionId: Type.String(),
  decision: Type.Union([Type.Literal('allow'), Type.Literal('partial'), Type.Literal('block')]),
  items: Type.Array(Type.Object({
    lineId: Type.String(),
    code: Type.Union([Type.String(), Type.Null()]),
    name: Type.Union([Type.String(), Type.Null()]),
    verdict: Type.Union([Type.Literal('covered'), Type.Literal('self-pay'), Type.Literal('rejected')]),
    totalAmount: SignedAmount,
    insuranceAmount: SignedAmount,
    selfPayAmount: SignedAmount,
    reasons: Type.Array(ReasonSchema),
  })),
  totals: Type.Object({ totalAmount: SignedAmount, insuranceAmount: SignedAmount, selfPayAmount: SignedAmount }),
  reasons: Type.Array(ReasonSchema),
  account: Type.Union([AccountSchema, Type.Null()]),
  card: MaskedCardSchema,
  catalogueVersion: Type.Union([Type.Integer(), Type.Null()]),
});

export const checkoutRoutes: FastifyPluginAsyncTypebox<{ counter: Counter }> = async (app, { counter }) => {
  app.post('/v1/checkout/precheck', {
    config: { roles: ['cashier'] },
    schema: {
      tags: ['checkout'],
      summary: 'Decide which basket lines insurance may pay, and how much',
      body: PrecheckBody,
      response: { 200: PrecheckAnswer, ...errorResponses },
    },
  }, async (request) => {
    const { cardSession, cashierId, items } = request.body;
    const seen = new Set<string>();
    const lines: BasketLine[] = items.map((item, i) => {
      if (seen.has(item.lineId)) throw invalid(`body/items/${i}/lineId`, `duplicate lineId "${item.lineId}"`);
      seen.add(item.lineId);
      const refs = [item.code !== undefined, item.barcode !== undefined, item.localCode !== undefined].filter(Boolean).length;
      if (refs !== 1) throw invalid(`body/items/${i}`, 'give exactly one of code, barcode, localCode');
      const ref: ItemRef = item.code !== undefined ? { code: item.code } : item.barcode !== undefined ? { barcode: item.barcode } : { localCode: item.localCode! };
      const unitPriceFen = parseYuan(item.unitPrice);
      if (unitPriceFen === undefined) throw invalid(`body/items/${i}/unitPrice`, 'not an amount');
      const line: BasketLine = { lineId: item.lineId, ref, quantity: item.quantity, unitPriceFen };
      if (item.prescription) line.prescription = item.prescription;
      return line;
    });
    return counter.precheck({ cardSession, cashierId, lines }, request.caller!);
  });
};

function invalid(field: string, problem: string): ServiceFault {
  return new ServiceFault('INVALID_REQUEST', { field, problem });
}
