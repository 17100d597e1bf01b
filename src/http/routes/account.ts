import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Counter } from '../../checkout/counter.js';
import { idNumberProblem } from '../../id-number.js';
import { CREDENTIAL_FIELDS, credentialProblem, exactlyOneOf, invalid, type Credential } from '../credentials.js';
import { AccountSchema, CARD_SESSION_EXAMPLE, errorResponses, ErrorSchema } from '../schemas.js';

const CREDENTIALS: readonly Credential[] = ['cardSession', 'idNumber', 'ecToken'];

/** One account check, three ways the customer presents: exactly one of cardSession, idNumber or ecToken. */
export const AccountCheckBody = Type.Object(CREDENTIAL_FIELDS, {
  additionalProperties: false,
  oneOf: exactlyOneOf(CREDENTIALS),
  description: 'Exactly one of cardSession (the card read in the terminal), idNumber (with name when the province asks) or ecToken (the e-voucher).',
  examples: [
    { cardSession: CARD_SESSION_EXAMPLE },
    { idNumber: '330302198508150192', name: '孙八' },
    { ecToken: 'b1e4f0c29a7d4e3f8c6b5a4d3e2f1a0b' },
  ],
});

export const accountRoutes: FastifyPluginAsyncTypebox<{ counter: Counter }> = async (app, { counter }) => {
  app.post('/v1/account/check', {
    config: { roles: ['cashier'] },
    // Rephrases the schema's "exactly one credential" failures; every other one is answered as usual.
    attachValidation: true,
    schema: {
      tags: ['account'],
      summary: 'Ask the insurance platform whether the account is in good standing',
      description: 'By the card read in the terminal (cardSession), or, for a customer without the card, by ID number or medical insurance e-voucher. The same answer either way; every answer is audited (the trail keeps the person\'s keyed hash and masked ID number, never the full number, name or e-voucher token). A platform fault is 503, never "not insured". When the platform refuses the ID number (PERSON_NOT_FOUND) or the e-voucher (EC_TOKEN_INVALID, e.g. an expired QR code), the answer is 422 with that reason, which says what the cashier does next; nothing is audited.',
      body: AccountCheckBody,
      response: { 200: AccountSchema, ...errorResponses, 422: ErrorSchema },
    },
  }, async (request) => {
    if (request.validationError) throw credentialProblem(request.validationError, CREDENTIALS);
    const { cardSession, idNumber, name, ecToken } = request.body;
    if (name !== undefined && idNumber === undefined) throw invalid('body/name', 'goes with idNumber only');
    if (cardSession !== undefined) return counter.checkAccount(cardSession, request.caller!);
    if (idNumber !== undefined) {
      const problem = idNumberProblem(idNumber);
      if (problem) throw invalid('body/idNumber', problem);
      return counter.checkPersonAccount({ kind: 'id-number', idNumber: idNumber.toUpperCase(), ...(name !== undefined ? { name } : {}) }, request.caller!);
    }
    return counter.checkPersonAccount({ kind: 'ec-token', token: ecToken! }, request.caller!);
  });
};
