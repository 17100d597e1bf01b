import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifySchemaValidationError } from 'fastify';
import { Type } from 'typebox';
import type { Counter } from '../../checkout/counter.js';
import { idNumberProblem } from '../../id-number.js';
import { ServiceFault } from '../../reasons.js';
import { AccountSchema, CARD_SESSION_EXAMPLE, errorResponses, ErrorSchema } from '../schemas.js';

const CREDENTIALS = ['cardSession', 'idNumber', 'ecToken'] as const;

/**
 * One account check, three ways the customer presents (mdtrt_cert_type 03, 02, 01): exactly one
 * of cardSession, idNumber or ecToken. One object rather than a union of three, so that a bad
 * field is named as itself (a union would name the first branch's missing property).
 */
export const AccountCheckBody = Type.Object({
  cardSession: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'From /v1/card/read: the card in the terminal (valid for one checkout)' })),
  idNumber: Type.Optional(Type.String({
    pattern: '^\\d{17}[\\dXx]$',
    description: "The customer's citizen ID number (GB 11643), for a customer without the card: 18 characters, the check digit is verified",
    examples: ['330302198508150192'],
  })),
  name: Type.Optional(Type.String({
    minLength: 1, maxLength: 50, pattern: '^[^\\p{C}]*[^\\p{C}\\s][^\\p{C}]*$',
    description: 'With idNumber only: the name on the ID, for provinces whose platform checks it (psn_name)',
    examples: ['孙八'],
  })),
  ecToken: Type.Optional(Type.String({
    minLength: 1, maxLength: 512, pattern: '^[!-~]+$',
    description: "The ecToken the medical insurance e-voucher (医保电子凭证) component returned for the customer's QR code",
    examples: ['b1e4f0c29a7d4e3f8c6b5a4d3e2f1a0b'],
  })),
}, {
  additionalProperties: false,
  oneOf: CREDENTIALS.map((c) => ({ required: [c] })),
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
    if (request.validationError) throw credentialProblem(request.validationError);
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

/**
 * The validator names the first credential it missed ('cardSession', as this route always did
 * for an empty body) or says only "must match exactly one schema in oneOf": say what to send.
 */
function credentialProblem(err: Error & { validation?: FastifySchemaValidationError[] }): Error {
  const first = err.validation?.[0];
  if (first?.instancePath !== '') return err;
  if (first.keyword === 'oneOf' && (first.params as { passingSchemas?: unknown }).passingSchemas) return invalid('body', `give only one of ${CREDENTIALS.join(', ')}`);
  if (first.keyword === 'required' && CREDENTIALS.includes((first.params as { missingProperty?: never }).missingProperty!)) {
    return invalid('body/cardSession', `give cardSession, or idNumber or ecToken for a customer without the card`);
  }
  return err;
}

function invalid(field: string, problem: string): ServiceFault {
  return new ServiceFault('INVALID_REQUEST', { field, problem });
}
