import type { FastifySchemaValidationError } from 'fastify';
import { Type } from 'typebox';
import { ServiceFault } from '../reasons.js';

/**
 * The ways a customer presents at the counter (mdtrt_cert_type 03, 02, 01) as request fields,
 * shared by the routes that take them: exactly one credential per request, in one object
 * rather than a union of objects, so that a bad field is named as itself (a union would name the
 * first branch's missing property).
 */
export const CREDENTIAL_FIELDS = {
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
};

export type Credential = 'cardSession' | 'idNumber' | 'ecToken';

/** The body schema's `oneOf`: exactly one of `credentials`. */
export function exactlyOneOf(credentials: readonly Credential[]): { required: [Credential] }[] {
  return credentials.map((c) => ({ required: [c] }));
}

/**
 * For a route with `attachValidation`: the validator names the first credential it missed, or
 * says only "must match exactly one schema in oneOf"; this says what to send instead. Every
 * other failure is answered as usual.
 */
export function credentialProblem(err: Error & { validation?: FastifySchemaValidationError[] }, credentials: readonly Credential[]): Error {
  const first = err.validation?.[0];
  if (first?.instancePath !== '') return err;
  if (first.keyword === 'oneOf' && (first.params as { passingSchemas?: unknown }).passingSchemas) return invalid('body', `give only one of ${credentials.join(', ')}`);
  if (first.keyword === 'required' && credentials.includes((first.params as { missingProperty?: never }).missingProperty!)) {
    return invalid('body/cardSession', `give cardSession, or ${credentials.filter((c) => c !== 'cardSession').join(' or ')} for a customer without the card`);
  }
  return err;
}

export function invalid(field: string, problem: string): ServiceFault {
  return new ServiceFault('INVALID_REQUEST', { field, problem });
}
