import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';

/**
 * Generators of hostile HTTP requests for the API fuzz suite. Routes are discovered from the
 * running app (so a new route is fuzzed the day it lands); request bodies are derived from
 * the route's OpenAPI schema when the app publishes one, then mutated.
 */

export interface Route {
  method: string;
  /** Fastify path template: `/v1/catalogue/items/:code`, `/docs/*`. */
  path: string;
  /** JSON schemas from the OpenAPI document, when there is one. */
  body?: JsonSchema;
  query?: Record<string, JsonSchema>;
  params?: Record<string, JsonSchema>;
  /** Roles allowed on the route (the document's x-roles), so most requests get past authentication. */
  roles?: string[];
}

export interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
  /** What kind of body this is, for the failure report. */
  kind: string;
}

// A JSON schema as found in the OpenAPI document; only the keywords the generator follows are named.
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  examples?: unknown[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
}

interface OpenApiOperation {
  'x-roles'?: string[];
  parameters?: { in: string; name: string; schema?: JsonSchema }[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}

/** Every route the app serves (from printRoutes), with its schemas from app.swagger() when registered. */
export function discoverRoutes(app: FastifyInstance): { routes: Route[]; withSchemas: boolean } {
  const openapi = typeof (app as { swagger?: unknown }).swagger === 'function'
    ? ((app as unknown as { swagger(): { paths?: Record<string, Record<string, OpenApiOperation>>; components?: { schemas?: Record<string, JsonSchema> } } }).swagger())
    : undefined;
  const inline = (schema: JsonSchema | undefined) => (schema ? inlineRefs(schema, openapi?.components?.schemas ?? {}) : undefined);
  const routes: Route[] = [];
  // printRoutes draws a tree: a child line (indented four columns per level) continues its parent's path.
  const parents: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /── (\S+)(?: \(([A-Z, ]+)\))?/.exec(line);
    if (!m) continue;
    const depth = Math.max(0, Math.round((m.index - 1) / 4));
    const full = (depth > 0 ? parents[depth - 1] ?? '' : '') + m[1]!;
    parents[depth] = full;
    parents.length = depth + 1;
    for (const method of m[2]?.split(', ') ?? []) {
      const route: Route = { method, path: full.replace(/\/\/+/g, '/') };
      const op = openapi?.paths?.[route.path.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()];
      if (op) {
        if (Array.isArray(op['x-roles'])) route.roles = op['x-roles'];
        route.body = inline(op.requestBody?.content?.['application/json']?.schema);
        for (const p of op.parameters ?? []) {
          const where = p.in === 'path' ? 'params' : p.in === 'query' ? 'query' : undefined;
          if (where && p.schema) (route[where] ??= {})[p.name] = inline(p.schema)!;
        }
      }
      routes.push(route);
    }
  }
  return { routes, withSchemas: openapi !== undefined };
}

/** Replaces `$ref: '#/components/schemas/X'` with the schema itself (to a fixed depth, so cycles end). */
function inlineRefs(schema: JsonSchema, components: Record<string, JsonSchema>, depth = 0): JsonSchema {
  if (depth > 8 || typeof schema !== 'object' || schema === null) return schema;
  const ref = (schema as { $ref?: string }).$ref;
  if (ref?.startsWith('#/components/schemas/')) {
    const target = components[ref.slice('#/components/schemas/'.length)];
    return target ? inlineRefs(target, components, depth + 1) : {};
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (Array.isArray(v)) out[k] = v.map((x) => (typeof x === 'object' && x !== null ? inlineRefs(x as JsonSchema, components, depth + 1) : x));
    else if (typeof v === 'object' && v !== null) out[k] = k === 'properties'
      ? Object.fromEntries(Object.entries(v).map(([name, p]) => [name, inlineRefs(p as JsonSchema, components, depth + 1)]))
      : inlineRefs(v as JsonSchema, components, depth + 1);
    else out[k] = v;
  }
  return out as JsonSchema;
}

const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 40 });

/** Strings chosen to hurt: empty, blank, control characters, lone surrogates, huge, look-alike digits, injection. */
export const hostileString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('', ' ', '\u0000', '\uD800', '\uFEFF', '０．５', '１２３', '-0', '1e3', 'NaN', 'Infinity', '0x10', '12.505', '99999999999.99',
    '__proto__', 'constructor', "'; DROP TABLE audit_decisions; --", '<script>alert(1)</script>', '../../etc/passwd', '%00', '${7*7}', '\r\nX-Injected: 1'),
  fc.integer({ min: 1000, max: 300_000 }).map((n) => 'x'.repeat(n)),
);

/** Any JSON value, plus values JSON.parse accepts but code may not expect. */
export const hostileJsonValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 2, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.constantFrom(null, -0, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 0.1 + 0.2, true, [], {}, [[[]]], { __proto__: null, toString: 1 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 2000 }).map((n) => nested(n)) },
);

function nested(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
}

/** Values that follow the schema (mostly), so requests get past validation into the service. */
export function fromSchema(schema: JsonSchema | undefined, live: Record<string, string[]>, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 6) return fc.jsonValue({ maxDepth: 2 });
  const plain = plainFromSchema(schema, live, depth);
  return schema.examples?.length ? fc.oneof(fc.constantFrom(...schema.examples), plain) : plain;
}

function plainFromSchema(schema: JsonSchema, live: Record<string, string[]>, depth: number): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum?.length) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives?.length) {
    // Alternatives beside a type (`oneOf: [{ required: ['a'] }, { required: ['b'] }]` on an object) narrow that object.
    const { anyOf: _anyOf, oneOf: _oneOf, ...base } = schema;
    const narrow = (s: JsonSchema): JsonSchema => (base.type && !s.type ? { ...base, ...s, required: [...(base.required ?? []), ...(s.required ?? [])] } : s);
    return fc.oneof(...alternatives.map((s) => fromSchema(narrow(s), live, depth + 1)));
  }
  if (Array.isArray(schema.type)) return fc.oneof(...schema.type.map((type) => fromSchema({ ...schema, type }, live, depth + 1)));
  switch (schema.type) {
    case 'object': {
      const props = schema.properties ?? {};
      const shape = Object.fromEntries(Object.entries(props).map(([key, s]) => {
        // Known live values (a card session that exists, a catalogue code) reach deeper code than random strings.
        const known = live[key];
        return [key, known?.length ? fc.oneof(fc.constantFrom(...known), fromSchema(s, live, depth + 1)) : fromSchema(s, live, depth + 1)];
      }));
      return fc.record(shape, { requiredKeys: (schema.required ?? []).filter((k) => k in props) });
    }
    case 'array':
      return fc.array(fromSchema(schema.items, live, depth + 1), { minLength: schema.minItems ?? 0, maxLength: Math.max(schema.minItems ?? 0, Math.min(schema.maxItems ?? 6, 6)) });
    case 'string':
      if (schema.pattern) {
        try {
          return fc.stringMatching(new RegExp(schema.pattern));
        } catch {
          // A pattern fast-check cannot generate from: fall through to plain strings.
        }
      }
      return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 80) });
    case 'integer':
      return fc.integer({ min: Math.max(schema.minimum ?? -1e6, -(2 ** 31)), max: Math.min(schema.maximum ?? 1e6, 2 ** 31) });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e9, max: schema.maximum ?? 1e9, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

type Mutation = { kind: 'none' } | { kind: 'replace' | 'delete' | 'add'; at: number; value: unknown; key: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constantFrom('replace' as const, 'delete' as const, 'add' as const), at: fc.nat(), value: hostileJsonValue, key: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'prototype')) }) },
);

/** Applies one mutation at the n-th node (depth-first) of a JSON value; returns a new value. */
export function mutate(value: unknown, m: Mutation): unknown {
  if (m.kind === 'none') return value;
  const copy = structuredClone(value);
  const nodes: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const walk = (v: unknown) => {
    if (typeof v !== 'object' || v === null) return;
    for (const [k, child] of Object.entries(v)) {
      nodes.push({ parent: v as Record<string, unknown>, key: Array.isArray(v) ? Number(k) : k });
      walk(child);
    }
  };
  walk(copy);
  if (nodes.length === 0) return m.kind === 'add' ? { [m.key]: m.value } : m.value;
  const { parent, key } = nodes[m.at % nodes.length]!;
  const target = parent as Record<string | number, unknown>;
  if (m.kind === 'replace') target[key] = m.value;
  else if (m.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete target[key];
  } else {
    const holder = typeof target[key] === 'object' && target[key] !== null && !Array.isArray(target[key]) ? (target[key] as Record<string, unknown>) : target;
    Object.defineProperty(holder, m.key, { value: m.value, enumerable: true, configurable: true, writable: true });
  }
  return copy;
}

/** Bodies that stress the parser rather than the route: malformed, nested, oversized, wrong encoding. */
export const hostileRawBody: fc.Arbitrary<{ payload: Buffer | string; kind: string }> = fc.oneof(
  fc.constantFrom('{', '}', '{"a":}', 'nul', 'tru', '\uFEFF{}', '[1,]', '{"a":1,"a":2}', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}',
    'NaN', '1e999999', '"\\ud800"', '""', '0', 'null', '[]', '{"items":[', '\u0000', '{"cardSession":"\\u0000"}').map((payload) => ({ payload, kind: 'malformed-json' })),
  fc.uint8Array({ maxLength: 512 }).map((bytes) => ({ payload: Buffer.from(bytes), kind: 'random-bytes' })),
  fc.constantFrom(Buffer.from([0xff, 0xfe, 0x7b, 0x7d]), Buffer.from('{"a":"\xff\xfe"}', 'latin1'), Buffer.from('{"name":"', 'utf8'), Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]))
    .map((payload) => ({ payload, kind: 'invalid-utf8' })),
  fc.integer({ min: 100, max: 120_000 }).map((n) => ({ payload: '['.repeat(n) + ']'.repeat(n), kind: `nested-array-${n}` })),
  fc.integer({ min: 100, max: 40_000 }).map((n) => ({ payload: '{"items":'.repeat(n) + '1' + '}'.repeat(n), kind: `nested-object-${n}` })),
  fc.integer({ min: 200_000, max: 400_000 }).map((n) => ({ payload: JSON.stringify({ cardSession: 'x'.repeat(n) }), kind: `huge-${n}` })),
  fc.integer({ min: 1, max: 50_000 }).map((n) => ({ payload: JSON.stringify({ items: Array.from({ length: n }, (_, i) => ({ lineId: String(i) })) }), kind: `many-items-${n}` })),
);

export const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant('application/json') },
  { weight: 3, arbitrary: fc.constantFrom(undefined, 'application/json; charset=utf-8', 'application/json; charset=gbk', 'APPLICATION/JSON', 'application/json;;',
    'text/plain', 'text/csv', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream', '', '*/*', 'application/vnd.api+json') },
  { weight: 1, arbitrary: printable },
);

const pathSegment = fc.oneof(
  fc.string({ maxLength: 40 }).map(encodeURIComponent),
  fc.constantFrom('..', '%2e%2e', '%2F', '%00', '%ZZ', '%', '~', 'XC10AAA058A001010100123', '6901234567892', '00000000-0000-0000-0000-000000000000', '1', '-1', '0', 'null', '%F0%9F%98%80'),
  fc.integer({ min: 100, max: 10_000 }).map((n) => 'a'.repeat(n)),
);

const queryString = fc.oneof(
  fc.constant(''),
  fc.dictionary(fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('q', 'limit', 'cursor', 'from', 'to', 'outcome', 'reason', 'cashierId', 'format')), hostileString, { maxKeys: 5 })
    .map((d) => '?' + new URLSearchParams(d as Record<string, string>).toString()),
  fc.constantFrom('?', '?&&=', '?q', '?q=&q=&q=', '?q[]=1&q[x]=2', '?limit=%ZZ', '?q=%00', '?__proto__[a]=1', '?limit=1e9', '?limit=-1', '?q=' + '药'.repeat(100)),
);

/** A request to any discovered route (or near it), with hostile parts. */
export function requestArb(routes: Route[], tokens: Record<string, string>, live: Record<string, string[]>): fc.Arbitrary<FuzzRequest> {
  const authorization = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...Object.values(tokens)).map((t) => `Bearer ${t}`) },
    { weight: 2, arbitrary: fc.constantFrom(undefined, 'Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'bearer x', `Bearer ${Object.values(tokens)[0]}x`, 'Bearer ' + 'A'.repeat(8000)) },
    { weight: 1, arbitrary: printable.map((s) => `Bearer ${s}`) },
  );
  const extraHeaders = fc.dictionary(fc.constantFrom('accept', 'accept-encoding', 'x-forwarded-for', 'x-request-id', 'origin', 'range', 'if-none-match', 'transfer-encoding-x', 'accept-language'), printable, { maxKeys: 3 });
  const knownRoute = fc.constantFrom(...routes).chain((route) => {
    const allowed = (route.roles ?? []).filter((r) => tokens[r]).map((r) => `Bearer ${tokens[r]}`);
    const auth = allowed.length ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...allowed) }, { weight: 2, arbitrary: authorization }) : authorization;
    const url = fc.tuple(...route.path.split('/').map((seg) => (seg.startsWith(':') || seg === '*' ? fc.oneof(pathSegment, ...(live[seg.slice(1)]?.length ? [fc.constantFrom(...live[seg.slice(1)]!)] : [])) : fc.constant(seg))))
      .map((segs) => segs.join('/'));
    const body = fc.oneof(
      { weight: route.body ? 5 : 1, arbitrary: fc.tuple(fromSchema(route.body, live), mutation).map(([v, m]) => ({ payload: JSON.stringify(mutate(v, m)) as string | Buffer | undefined, kind: 'schema' })) },
      { weight: 2, arbitrary: hostileJsonValue.map((v) => ({ payload: JSON.stringify(v) as string | Buffer | undefined, kind: 'json' })) },
      { weight: 2, arbitrary: hostileRawBody },
      { weight: 1, arbitrary: fc.constant({ payload: undefined, kind: 'none' }) },
    );
    return fc.record({ method: fc.constant(route.method), url, query: queryString, body, auth, type: contentType, extra: extraHeaders });
  });
  const unknownRoute = fc.record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'),
    url: fc.array(pathSegment, { minLength: 1, maxLength: 5 }).map((segs) => '/' + segs.join('/')),
    query: queryString,
    body: fc.oneof(hostileRawBody, fc.constant({ payload: undefined, kind: 'none' })),
    auth: authorization,
    type: contentType,
    extra: extraHeaders,
  });
  return fc.oneof({ weight: 9, arbitrary: knownRoute }, { weight: 1, arbitrary: unknownRoute }).map((r) => {
    const headers: Record<string, string> = { ...r.extra };
    if (r.auth !== undefined) headers['authorization'] = r.auth;
    // GET and HEAD carry no body in practice; a body there only tests light-my-request.
    const payload = r.method === 'GET' || r.method === 'HEAD' ? undefined : r.body.payload;
    if (payload !== undefined && r.type !== undefined) headers['content-type'] = r.type;
    return { method: r.method, url: r.url + r.query, headers, payload, kind: payload === undefined ? 'none' : r.body.kind };
  });
}
