import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { FAULT_KINDS, type TerminalFault, type VirtualCardSlot } from '../../card/terminal.js';
import { ServiceFault } from '../../reasons.js';
import { errorResponses } from '../schemas.js';

/** Mock terminal only: insert and remove virtual cards, type on the keypad, inject faults. Not registered with a real terminal. */
export const devRoutes: FastifyPluginAsyncTypebox<{ slot: VirtualCardSlot }> = async (app, { slot }) => {
  const Slot = Type.Object({ inserted: Type.Union([Type.String(), Type.Null()]), scenarios: Type.Array(Type.String()) });
  const Fault = Type.Object({
    kind: Type.Unsafe<TerminalFault['kind']>({ type: 'string', enum: [...FAULT_KINDS] }),
    after: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
    count: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    delayMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 120_000 })),
    silent: Type.Optional(Type.Boolean()),
  }, { additionalProperties: false });
  const Faults = Type.Object({ faults: Type.Array(Fault) });

  app.post('/v1/dev/terminal/card', {
    config: { roles: ['cashier', 'admin'] },
    schema: {
      tags: ['dev'], summary: 'Insert a virtual card (mock terminal only)',
      body: Type.Object({ scenario: Type.String({ minLength: 1, maxLength: 64, examples: ['normal'] }) }, { additionalProperties: false, examples: [{ scenario: 'normal' }, { scenario: 'suspended' }] }),
      response: { 200: Slot, ...errorResponses },
    },
  }, async (request) => {
    slot.insert(request.body.scenario);
    return { inserted: slot.inserted(), scenarios: slot.scenarios() };
  });
  app.delete('/v1/dev/terminal/card', {
    config: { roles: ['cashier', 'admin'] },
    schema: { tags: ['dev'], summary: 'Remove the virtual card', response: { 200: Slot, ...errorResponses } },
  }, async () => {
    slot.remove();
    return { inserted: null, scenarios: slot.scenarios() };
  });

  app.post('/v1/dev/terminal/keypad', {
    config: { roles: ['cashier', 'admin'] },
    schema: {
      tags: ['dev'],
      summary: 'What the virtual cardholder types at the next PIN prompts (mock terminal only)',
      description: 'One entry per prompt: a PIN verification takes one, a PIN change three (old, new, new again). "cancel" presses the cancel key, "timeout" walks away. Afterwards the card file\'s keypadEntry is typed.',
      body: Type.Object({
        entries: Type.Array(Type.String({ pattern: '^(\\d{4,12}|cancel|timeout)$' }), { minItems: 1, maxItems: 9, examples: [['111111']] }),
      }, { additionalProperties: false, examples: [{ entries: ['111111'] }, { entries: ['cancel'] }] }),
      response: { 200: Type.Object({ queued: Type.Integer() }), ...errorResponses },
    },
  }, async (request) => {
    slot.keypad(request.body.entries);
    return { queued: request.body.entries.length };
  });

  app.post('/v1/dev/terminal/fault', {
    config: { roles: ['cashier', 'admin'] },
    schema: {
      tags: ['dev'],
      summary: 'Inject a terminal fault at the byte level (mock terminal only)',
      description: 'unplug (after N exchanges; silent: stops answering instead of failing), replug, pull-card (after N card APDUs), garble / truncate / slow (the next `count` answers, after N exchanges), remove-psam, insert-psam.',
      body: { ...Fault, examples: [{ kind: 'unplug', after: 3 }, { kind: 'slow', delayMs: 5000 }] },
      response: { 200: Faults, ...errorResponses },
    },
  }, async (request) => {
    slot.inject(request.body);
    return { faults: slot.faults() };
  });
  app.delete('/v1/dev/terminal/fault', {
    config: { roles: ['cashier', 'admin'] },
    schema: { tags: ['dev'], summary: 'Clear every fault: plug the terminal back in and put the PSAM back', response: { 200: Faults, ...errorResponses } },
  }, async () => {
    slot.clearFaults();
    return { faults: slot.faults() };
  });
};

/**
 * Built-in platform simulator only: the e-voucher a virtual cardholder's app would show, so the
 * account check and the precheck by e-voucher can be tried without a scanner. Not registered
 * when PLATFORM_URL names a platform.
 */
export const devEcTokenRoute: FastifyPluginAsyncTypebox<{ issue: (scenario: string) => string | undefined; scenarios: string[] }> = async (app, { issue, scenarios }) => {
  app.post('/v1/dev/ec-token', {
    config: { roles: ['cashier', 'admin'] },
    schema: {
      tags: ['dev'],
      summary: 'An e-voucher token for a virtual card (built-in platform simulator only)',
      description: 'What the e-voucher scanner component would return for the cardholder\'s QR code: use it as ecToken in POST /v1/account/check or POST /v1/checkout/precheck. Valid for 10 minutes.',
      body: Type.Object({ scenario: Type.String({ minLength: 1, maxLength: 64, examples: ['normal'] }) }, { additionalProperties: false, examples: [{ scenario: 'normal' }, { scenario: 'suspended' }] }),
      response: { 200: Type.Object({ ecToken: Type.String() }), ...errorResponses },
    },
  }, async (request) => {
    const ecToken = issue(request.body.scenario);
    if (ecToken === undefined) throw new ServiceFault('NOT_FOUND', { problem: `no virtual card "${request.body.scenario}"`, scenarios }, { status: 404 });
    return { ecToken };
  });
};
