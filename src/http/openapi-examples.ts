import { reason, reasonVariant } from '../reasons.js';

/*
 * Answers of the counter's routes as the service gives them (the normal virtual card, the sample
 * catalogue), shown in the OpenAPI document beside each route's success schema. Reason texts come
 * from src/reasons.ts; test/http/openapi.test.ts checks every example against its schema.
 */

const card = {
  regionCode: '330300', cardId: '330300**********************FFFF', cardNumber: 'X0000****', idNumber: '3303**********0192', name: '孙*',
  specVersion: '3.00', issueDate: '2023-01-01', expiryDate: '2033-01-01',
};
const account = { eligible: true, insured: true, personType: '11', status: '1', insuranceType: '310', balance: '1250.00', suspendedSince: null, reasons: [] };
const cardSession = '5f0c1f4e-8d7a-4c1e-9a53-2b7de0c4a6f1';

export const SUCCESS_EXAMPLES: Readonly<Record<string, readonly unknown[]>> = {
  'POST /v1/card/read': [
    { cardSession, card, checks: [], usable: true },
    { cardSession, card, checks: [reason('CARD_NOT_ACTIVATED')], usable: false },
    { cardSession: null, card: null, checks: [reason('CARD_ABSENT')], usable: false },
  ],
  'POST /v1/card/verify-pin': [
    { ok: true, reasons: [] },
    { ok: false, reasons: [reason('PIN_WRONG', { readerError: -51, triesLeft: 2 })] },
    { ok: false, reasons: [reasonVariant('PIN_CANCELLED', 'cancelled', { readerError: -31, triesLeft: 3 })] },
  ],
  'POST /v1/card/change-pin': [
    { ok: true, reasons: [] },
    { ok: false, reasons: [reasonVariant('PIN_ENTRY_INVALID', 'new-pins-differ', { readerError: -34, triesLeft: 3 })] },
  ],
  'POST /v1/account/check': [
    account,
    { eligible: false, insured: true, personType: '11', status: '2', insuranceType: '310', balance: '0.00', suspendedSince: '2024-07-01', reasons: [reason('ACCOUNT_SUSPENDED')] },
  ],
  'POST /v1/checkout/precheck': [{
    decisionId: 'd3a8ddca-94cf-4656-bacb-e988819b1add',
    decision: 'partial',
    items: [
      {
        lineId: '1', code: 'XN02BEA011A001010100201', name: '对乙酰氨基酚片', verdict: 'covered',
        totalAmount: '25.00', insuranceAmount: '25.00', selfPayAmount: '0.00', reasons: [],
        message: { zh: '医保支付 25.00 元，无需另收现金。', en: 'Insurance pays 25.00; nothing to collect.' },
      },
      {
        lineId: '2', code: 'XZ99ZZZ999Z999999999999', name: null, verdict: 'self-pay',
        totalAmount: '9.90', insuranceAmount: '0.00', selfPayAmount: '9.90',
        reasons: [reasonVariant('ITEM_NOT_IN_CATALOGUE', 'unknown-code', { code: 'XZ99ZZZ999Z999999999999' })],
        message: { zh: '医保不予支付：该医保编码不在当前医保目录中。请向顾客收取全额 9.90 元（顾客不买则删除此行）。', en: 'Insurance does not pay: This code is not in the active insurance catalogue. Collect the full 9.90 from the customer (remove the line if they decline).' },
      },
    ],
    totals: { totalAmount: '34.90', insuranceAmount: '25.00', selfPayAmount: '9.90' },
    reasons: [],
    account,
    card,
    person: null,
    catalogueVersion: 2,
  }, {
    decisionId: '0b6f2a53-5d0e-4c8a-9f1e-6a7b3c2d1e0f',
    decision: 'block',
    items: [{
      lineId: '1', code: 'XN02BEA011A001010100201', name: '对乙酰氨基酚片', verdict: 'self-pay',
      totalAmount: '25.00', insuranceAmount: '0.00', selfPayAmount: '25.00', reasons: [],
      message: { zh: '本单医保不予支付，请向顾客收取全额 25.00 元。', en: 'Insurance pays nothing in this purchase; collect the full 25.00 from the customer.' },
    }],
    totals: { totalAmount: '25.00', insuranceAmount: '0.00', selfPayAmount: '25.00' },
    reasons: [reason('EC_TOKEN_INVALID', { infno: '1101', errMsg: '电子凭证令牌无效或已过期' })],
    account: null,
    card: null,
    person: { credential: 'ec-token', idNumber: null, name: null },
    catalogueVersion: 2,
  }],
};
