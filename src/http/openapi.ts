import type { FastifyInstance, FastifySchema, RouteOptions } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { REASON_CODES, reason, reasonDef, type Reason, type ReasonCode } from '../reasons.js';
import { markPublic } from './auth/plugin.js';
import { SUCCESS_EXAMPLES } from './openapi-examples.js';
import { AccountSchema, ErrorSchema, MaskedCardSchema, ReasonSchema } from './schemas.js';

/**
 * The OpenAPI 3.1 document, generated from the route schemas: served as JSON at /openapi.json
 * and browsable at /docs. Register before the routes so that every route is collected.
 *
 * Beyond what the route schemas say, the document gets, from one place: the bearer security
 * and allowed roles of each route, the contract's error answers with an example each, an
 * operationId, and named components (Reason, ReasonCode with every code's zh/en message,
 * Error, MaskedCard, Account) so that generated POS clients get named types.
 */
export async function registerOpenApi(app: FastifyInstance, { version }: { version: string }): Promise<void> {
  for (const [name, schema] of COMPONENTS) app.addSchema({ ...schema, $id: name });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Checkout guard', version, description: DESCRIPTION },
      servers: [{ url: '/', description: 'this service (bound to 127.0.0.1 by default)' }],
      tags: TAGS,
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A per-caller API token (`checkout-guard token create NAME ROLE`).' } } },
    },
    transform: ({ schema, url, route }) => ({ schema: documentRoute(schema as RouteSchema | undefined, url, route as RouteOptions) as FastifySchema, url }),
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => (typeof json['$id'] === 'string' ? json['$id'] : `def-${i}`) },
    transformObject: (doc) => nameComponents((doc as { openapiObject: OpenApiDoc }).openapiObject),
  });

  await app.register(async (docs) => {
    markPublic(docs);
    docs.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
    await docs.register(swaggerUi, {
      routePrefix: '/docs',
      staticCSP: true,
      theme: { title: 'Checkout guard API' },
      // The spec from /openapi.json; no topbar inviting other URLs; tokens are not kept in the browser.
      uiConfig: { url: '/openapi.json', layout: 'BaseLayout', docExpansion: 'list', deepLinking: true, persistAuthorization: false },
    });
  });
}

type Json = Record<string, unknown>;
interface RouteSchema extends Json {
  response?: Record<string, Json>;
  body?: Json;
}
interface OpenApiDoc extends Json {
  paths: Record<string, Record<string, Json>>;
  components: Json & { schemas?: Record<string, Json> };
}

const TAGS = [
  { name: 'card', description: 'The social security card in the counter terminal' },
  { name: 'account', description: 'The insurance account on the medical insurance platform' },
  { name: 'checkout', description: 'Basket precheck: what insurance pays and why not' },
  { name: 'catalogue', description: 'The national drug catalogue' },
  { name: 'audit', description: 'The tamper-evident decision trail' },
  { name: 'operations', description: 'Health, readiness, metrics' },
  { name: 'dev', description: 'Mock terminal only: virtual cards, keypad entries, device faults' },
  { name: 'web', description: 'The auditor page (its data comes from the audit routes)' },
];

const text = (t: { zh: string; en: string } | undefined) => (t ? `${t.zh} / ${t.en}` : '');

const REASON_TABLE = [
  '| code | group | severity | message (zh / en) | remedy (zh / en) |',
  '| --- | --- | --- | --- | --- |',
  ...REASON_CODES.map((c) => {
    const d = reasonDef(c);
    return `| \`${c}\` | ${d.group} | ${d.severity} | ${text(d.message)} | ${text(d.remedy)} |`.replaceAll('\n', ' ');
  }),
].join('\n');

const DESCRIPTION = `Local service beside a pharmacy's point of sale: reads the social security card in the
counter terminal, checks the insurance account on the platform and each basket item against the
national drug catalogue, and says in Chinese and English what insurance pays and why not.

**Authentication.** Every \`/v1\` route takes \`Authorization: Bearer <token>\`; each caller has its
own token with one role: \`cashier\` (card, account, precheck), \`auditor\` (audit trail), \`admin\`
(catalogue import, configuration). Each operation lists the roles it accepts (\`x-roles\`).

**Answers.** A business outcome (card unusable, account suspended, item not covered) is HTTP 200
with a decision and reasons. Malformed input is 400 \`INVALID_REQUEST\` naming the field in
\`detail.field\`; 401 missing or invalid token; 403 role not allowed; 404 unknown id; 413 body too
large; 429 too many requests for this token (retry after \`detail.retryAfterSeconds\`); 503 the
terminal, PSAM or platform is unavailable. Every error body is \`{ "error": Reason }\`.

**Request ids.** Every answer carries \`X-Request-Id\`; send your own (up to 64 of
\`A-Za-z0-9._:-\`, e.g. till and transaction number) to find the request in the service's logs.

Amounts are exact decimal strings in yuan (\`"12.50"\`). Personal data leaves the service masked.

**Reason codes** (the \`ReasonCode\` schema; \`x-reasons\` carries the same table as data):

${REASON_TABLE}`;

/** Which error answers a route can give, beyond what its schema declares, with an example each. */
const ERROR_EXAMPLES: Record<string, { description: string; examples: Reason[] }> = {
  400: { description: 'Malformed request: the field is named in detail.field', examples: [reason('INVALID_REQUEST', { field: 'body/items/0/quantity', problem: 'must be integer' })] },
  401: { description: 'Missing, unknown or revoked token', examples: [reason('AUTH_REQUIRED')] },
  403: { description: 'The token\'s role may not call this route', examples: [reason('FORBIDDEN_ROLE', { role: 'auditor', allowed: ['cashier'] })] },
  404: { description: 'Unknown id, card session or path', examples: [reason('NOT_FOUND', { id: '01J9Z3K7Q2' })] },
  413: { description: 'Request body too large', examples: [reason('INVALID_REQUEST', { problem: 'request body too large' })] },
  429: { description: 'Too many requests for this token', examples: [reason('RATE_LIMITED', { retryAfterSeconds: 12 })] },
  500: { description: 'Unexpected fault; quote the request id to support', examples: [reason('INTERNAL_ERROR', { requestId: 'req-1f' })] },
  503: { description: 'The terminal, PSAM, catalogue or platform is unavailable: not a statement about the customer', examples: [reason('TERMINAL_UNAVAILABLE'), reason('PLATFORM_UNAVAILABLE', { infno: '1101', message: 'timeout' })] },
};

function documentRoute(schema: RouteSchema | undefined, url: string, route: RouteOptions): RouteSchema | undefined {
  if (!schema || schema['hide']) return schema;
  const roles = route.config?.roles ?? [];
  const method = [route.method].flat()[0]!.toLowerCase();
  const errorSchema = ErrorSchema as unknown as Json;
  const response: Record<string, Json> = { ...schema.response };
  const statuses = [...(roles.length > 0 ? ['401', '403', '429'] : []), ...(schema.body || url.includes(':') ? ['400'] : []), ...(schema.body ? ['413'] : []), '500'];
  for (const status of statuses) response[status] ??= errorSchema;
  for (const [status, body] of Object.entries(response)) {
    const error = ERROR_EXAMPLES[status];
    if (error && body === errorSchema) response[status] = { ...errorSchema, description: error.description, examples: error.examples.map((e) => ({ error: e })) };
    else if (status.startsWith('2')) {
      const examples = body['examples'] ?? SUCCESS_EXAMPLES[`${method.toUpperCase()} ${url}`];
      response[status] = { ...body, description: body['description'] ?? String(schema['summary'] ?? 'Success'), ...(examples ? { examples } : {}) };
    }
  }
  return {
    ...schema,
    operationId: schema['operationId'] ?? operationId(method, url),
    security: roles.length > 0 ? [{ bearer: [] }] : [],
    description: [schema['description'], roles.length > 0 ? `Roles: ${roles.join(', ')}.` : 'No authentication.'].filter(Boolean).join('\n\n'),
    'x-roles': [...roles],
    response,
  };
}

/** `GET /v1/audit/decisions/:id` -> `getAuditDecisionsById`. */
function operationId(method: string, url: string): string {
  const words = url.split('/').filter((s) => s && s !== 'v1' && s !== '*').map((s) => (s.startsWith(':') ? `by-${s.slice(1)}` : s));
  return method + words.flatMap((w) => w.split(/[-_.]/)).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

const ReasonCodeSchema: Json = {
  type: 'string',
  enum: REASON_CODES,
  description: 'Every code the service gives; `x-reasons` holds each one\'s group, severity, zh/en message and remedy.',
  'x-reasons': Object.fromEntries(REASON_CODES.map((c: ReasonCode) => [c, reasonDef(c)])),
};

/**
 * The shared schemas that appear inline in the route schemas, by component name. They are
 * added to Fastify with an `$id` so that @fastify/swagger converts them exactly as it converts
 * the route schemas; the document then points every inlined copy at its component.
 */
const COMPONENTS: [string, object][] = [
  ['Account', AccountSchema],
  ['Error', ErrorSchema],
  ['MaskedCard', MaskedCardSchema],
  ['Reason', ReasonSchema],
];

const ANNOTATIONS = new Set(['$id', 'description', 'examples', 'example', 'title']);

/** Key-order independent JSON, without top-level annotations, for recognising a shared schema wherever it was inlined. */
function canonical(value: unknown, top = true): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonical(v, false)).join(',')}]`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const keys = Object.keys(value).filter((k) => !(top && (ANNOTATIONS.has(k) || k.startsWith('x-')))).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((value as Json)[k], false)}`).join(',')}}`;
}

function nameComponents(doc: OpenApiDoc): OpenApiDoc {
  const schemas: Record<string, Json> = { ...doc.components.schemas, ReasonCode: ReasonCodeSchema };
  const byShape = new Map([...COMPONENTS.map(([name]) => name), 'ReasonCode'].map((name) => [canonical(schemas[name]), name]));
  const replace = (node: unknown, self?: string): unknown => {
    if (Array.isArray(node)) return node.map((n) => replace(n));
    if (node === null || typeof node !== 'object') return node;
    const name = byShape.get(canonical(node));
    if (name && name !== self) return { $ref: `#/components/schemas/${name}` };
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, replace(v)]));
  };
  for (const [name] of COMPONENTS) {
    const { $id: _id, ...schema } = schemas[name]!;
    schemas[name] = replace(schema, name) as Json;
  }
  return { ...doc, paths: replace(doc.paths) as OpenApiDoc['paths'], components: { ...doc.components, schemas } };
}
