import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import type { ItemRef } from '../../catalogue/entry.js';
import type { Counter, Customer } from '../../checkout/counter.js';
import { MAX_LINE_FEN, type BasketLine } from '../../checkout/rules.js';
import { formatYuan, parseYuan } from '../../money.js';
import { CREDENTIAL_FIELDS, credentialProblem, exactlyOneOf, invalid, type Credential } from '../credentials.js';
import { AccountSchema, Amount, errorResponses, MaskedCardSchema, ReasonSchema, SignedAmount } from '../schemas.js';

export const MAX_LINES = 500;

/** Printable text, not blank: what a scanner or a cashier types, never control bytes. */
const printable = (maxLength: number, description: string, example: string) =>
  Type.String({ minLength: 1, maxLength, pattern: '^[^\\p{C}]*[^\\p{C}\\s][^\\p{C}]*$', description, examples: [example] });

const Item = Type.Object({
  lineId: printable(64, 'Unique within the basket; answers refer to it', '1'),
  code: Type.Optional(Type.String({ minLength: 1, maxLength: 32, pattern: '^[A-Z0-9]+$', description: 'National catalogue code (med_list_codg); give exactly one of code, barcode, localCode', examples: ['XN02BEA011A001010100201'] })),
  barcode: Type.Optional(printable(32, 'Package barcode, resolved through the pharmacy item mapping', '6901234567892')),
  localCode: Type.Optional(printable(64, "The pharmacy's own item code, resolved through the item mapping", 'L0001')),
  quantity: Type.Integer({ minimum: 1, maximum: 9999, description: 'Whole units', examples: [2] }),
  unitPrice: Amount,
  prescription: Type.Optional(Type.Object({
    rxNo: Type.Optional(printable(64, 'Prescription number; required for insurance to pay a prescription-only drug', 'RX20260315001')),
    diagnosis: Type.Optional(printable(200, 'Diagnosis from the prescription that meets a restricted-use scope; checked for presence only and never stored', '消化性溃疡')),
  }, { additionalProperties: false })),
}, { additionalProperties: false });

/**
 * A precheck is for the card read in the terminal or for an e-voucher: the two credentials a
 * pharmacy settles with, both proven by the customer (the card's PIN and chip, the app's own
 * unlock). A typed ID number proves nobody, so it can ask about an account but not precheck.
 */
const PRECHECK_CREDENTIALS: readonly Credential[] = ['cardSession', 'ecToken'];

export const PrecheckBody = Type.Object({
  cardSession: CREDENTIAL_FIELDS.cardSession,
  ecToken: CREDENTIAL_FIELDS.ecToken,
  cashierId: printable(64, 'Who is at the till; recorded with the decision', 'cashier-07'),
  items: Type.Array(Item, { minItems: 1, maxItems: MAX_LINES }),
}, {
  additionalProperties: false,
  required: ['cashierId', 'items'],
  oneOf: exactlyOneOf(PRECHECK_CREDENTIALS),
  description: 'Exactly one of cardSession (the card read in the terminal) or ecToken (the medical insurance e-voucher of a customer without the card).',
  examples: [{
    cardSession: '6f1c2b9e-8d5a-4c1e-9a57-0c3f4b2d7e11',
    cashierId: 'cashier-07',
    items: [
      { lineId: '1', barcode: '6901234567892', quantity: 2, unitPrice: '12.50' },
      { lineId: '2', code: 'XC10AAA058A001010100123', quantity: 1, unitPrice: '28.00', prescription: { rxNo: 'RX20260315001' } },
    ],
  }, {
    ecToken: 'b1e4f0c29a7d4e3f8c6b5a4d3e2f1a0b',
    cashierId: 'cashier-07',
    items: [{ lineId: '1', code: 'XA02BCA211E001010100777', quantity: 1, unitPrice: '42.00', prescription: { rxNo: 'RX20260315002', diagnosis: '消化性溃疡' } }],
  }],
});

const MaskedPersonSchema = Type.Object({
  credential: Type.Union([Type.Literal('id-number'), Type.Literal('ec-token')], { description: 'How the customer presented' }),
  idNumber: Type.Union([Type.String({ examples: ['3303**********0192'] }), Type.Null()], { description: 'Masked, as the platform named the person' }),
  name: Type.Union([Type.String({ examples: ['孙*'] }), Type.Null()], { description: 'Masked' }),
}, { description: 'A customer without the card: who the e-voucher names, masked' });

const LineMessage = Type.Object({ zh: Type.String(), en: Type.String() }, { description: 'What the cashier does with this line, with the amounts' });

export const PrecheckAnswer = Type.Object({
  decisionId: Type.String(),
  decision: Type.Union([Type.Literal('allow'), Type.Literal('partial'), Type.Literal('block')], {
    description: 'allow: every line covered; partial: some lines are paid by the customer (the POS splits); block: a card, account or system problem, insurance pays nothing',
  }),
  items: Type.Array(Type.Object({
    lineId: Type.String(),
    code: Type.Union([Type.String(), Type.Null()]),
    name: Type.Union([Type.String(), Type.Null()]),
    verdict: Type.Union([Type.Literal('covered'), Type.Literal('self-pay'), Type.Literal('rejected')], {
      description: 'covered: insurance pays insuranceAmount, the customer selfPayAmount; rejected: not payable as entered, the cashier can fix the entry and precheck again; self-pay: insurance cannot pay this line in this purchase (docs/rules.md)',
    }),
    totalAmount: SignedAmount,
    insuranceAmount: SignedAmount,
    selfPayAmount: SignedAmount,
    reasons: Type.Array(ReasonSchema),
    message: LineMessage,
  })),
  totals: Type.Object({ totalAmount: SignedAmount, insuranceAmount: SignedAmount, selfPayAmount: SignedAmount }),
  reasons: Type.Array(ReasonSchema, { description: 'Basket reasons: why it is blocked (system faults first), and account warnings' }),
  account: Type.Union([AccountSchema, Type.Null()]),
  card: Type.Union([MaskedCardSchema, Type.Null()], { description: 'The card in the terminal; null for a precheck by e-voucher' }),
  person: Type.Union([MaskedPersonSchema, Type.Null()], { description: 'The customer of a precheck by e-voucher; null when the card was read' }),
  catalogueVersion: Type.Union([Type.Integer(), Type.Null()]),
});

export const checkoutRoutes: FastifyPluginAsyncTypebox<{ counter: Counter }> = async (app, { counter }) => {
  app.post('/v1/checkout/precheck', {
    config: { roles: ['cashier'] },
    // Rephrases the schema's "exactly one credential" failures; every other one is answered as usual.
    attachValidation: true,
    schema: {
      tags: ['checkout'],
      summary: 'Decide which basket lines insurance may pay, and how much',
      description: 'For the card read in the terminal (cardSession) or a customer\'s medical insurance e-voucher (ecToken). Every line gets a verdict, exact amounts (insurance + self-pay = line total) and every reason that applies, with a message telling the cashier what to do. The decision is audited before the answer leaves; a malformed basket is refused with 400 and audits nothing. An e-voucher the platform refuses (EC_TOKEN_INVALID) blocks the basket like an account problem, and its remedy says to refresh the QR code.',
      body: PrecheckBody,
      response: { 200: PrecheckAnswer, ...errorResponses },
    },
  }, async (request, reply) => {
    if (request.validationError) {
      if (Object.hasOwn(request.body ?? {}, 'idNumber')) throw invalid('body/idNumber', 'a precheck needs the card (cardSession) or the e-voucher (ecToken): a typed ID number can check the account (POST /v1/account/check) but not let insurance pay');
      throw credentialProblem(request.validationError, PRECHECK_CREDENTIALS);
    }
    const { cardSession, ecToken, cashierId, items } = request.body;
    const customer: Customer = cardSession !== undefined ? { cardSession } : { credential: { kind: 'ec-token', token: ecToken! } };
    const { json } = await counter.precheck({ customer, cashierId, lines: basketLines(items) }, request.caller!);
    // Already JSON of the answer schema's shape (test/checkout/precheck-http.test.ts holds it to
    // that): fastify sends a string with a JSON content type as it is, without serialising it again.
    return reply.type('application/json; charset=utf-8').send(json as unknown as Static<typeof PrecheckAnswer>);
  });
};

/** What the schema cannot say: one item reference per line, unique line ids, an exact line total. */
function basketLines(items: Static<typeof Item>[]): BasketLine[] {
  const seen = new Set<string>();
  return items.map((item, i) => {
    if (seen.has(item.lineId)) throw invalid(`body/items/${i}/lineId`, `duplicate lineId "${item.lineId}"`);
    seen.add(item.lineId);
    const refs = (item.code !== undefined ? 1 : 0) + (item.barcode !== undefined ? 1 : 0) + (item.localCode !== undefined ? 1 : 0);
    if (refs !== 1) throw invalid(`body/items/${i}`, 'give exactly one of code, barcode, localCode');
    const ref: ItemRef = item.code !== undefined ? { code: item.code } : item.barcode !== undefined ? { barcode: item.barcode } : { localCode: item.localCode! };
    const unitPriceFen = parseYuan(item.unitPrice);
    if (unitPriceFen === undefined) throw invalid(`body/items/${i}/unitPrice`, 'not an amount');
    if (unitPriceFen * item.quantity > MAX_LINE_FEN) throw invalid(`body/items/${i}/quantity`, `line total above ${formatYuan(MAX_LINE_FEN)}`);
    const line: BasketLine = { lineId: item.lineId, ref, quantity: item.quantity, unitPriceFen };
    if (item.prescription) line.prescription = item.prescription;
    return line;
  });
}

