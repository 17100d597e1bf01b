import { Validator } from '@seriousme/openapi-schema-validator';
import Schema from 'typebox/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUCCESS_EXAMPLES } from '../../src/http/openapi-examples.js';
import { REASON_CODES, reasonDef } from '../../src/reasons.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { UNDOCUMENTED_ROUTES } from './route-table.js';

type Json = Record<string, any>;

describe('the OpenAPI document', () => {
  let t: TestApp;
  let doc: Json;
  beforeAll(async () => {
    t = await startTestApp();
    const res = await t.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    doc = res.json();
  });
  afterAll(async () => t.close());

  const operations = () => Object.entries(doc['paths'] as Record<string, Json>).flatMap(([path, item]) =>
    Object.entries(item).filter(([m]) => ['get', 'post', 'put', 'patch', 'delete'].includes(m)).map(([method, op]) => ({ path, method, op: op as Json, name: `${method.toUpperCase()} ${path}` })));

  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc['openapi']).toBe('3.1.0');
    expect(doc['info'].version).toBe(t.app.services.version);
  });

  it('documents every registered route except the documentation itself', () => {
    const documented = new Set(operations().map((o) => `${o.method.toUpperCase()} ${o.path}`));
    const missing = t.app.routeAccess
      .filter((r) => r.method !== 'HEAD' && !UNDOCUMENTED_ROUTES.some((p) => p.test(r.url)))
      .map((r) => `${r.method} ${r.url.replace(/:([A-Za-z_]+)/g, '{$1}')}`)
      .filter((name) => !documented.has(name));
    expect(missing).toEqual([]);
  });

  it('gives every operation an id, a tag, a summary and a described success answer with a schema', () => {
    const gaps: string[] = [];
    const ids = new Set<string>();
    const declaredTags = new Set((doc['tags'] as { name: string }[]).map((t) => t.name));
    for (const { name, op } of operations()) {
      if (!op['operationId'] || ids.has(op['operationId'])) gaps.push(`${name}: operationId missing or repeated`);
      ids.add(op['operationId']);
      if (!op['tags']?.length) gaps.push(`${name}: no tag`);
      for (const tag of op['tags'] ?? []) if (!declaredTags.has(tag)) gaps.push(`${name}: tag ${tag} not declared in src/http/openapi.ts`);
      if (!op['summary']) gaps.push(`${name}: no summary`);
      const success = Object.entries(op['responses'] as Json).filter(([s]) => /^[23]/.test(s));
      if (success.length === 0) gaps.push(`${name}: no success response schema`);
      for (const [status, r] of success) {
        if (!r.description || r.description === 'Default Response') gaps.push(`${name}: response ${status} undescribed`);
        if (status !== '204' && !/^3/.test(status) && status !== '304' && !r.content) gaps.push(`${name}: response ${status} has no schema`);
      }
    }
    expect(gaps).toEqual([]);
  });

  // Optional filters go without: Swagger UI would pre-fill and send them.
  it('has an example for every request body, path parameter and required query parameter', () => {
    const gaps: string[] = [];
    for (const { name, op } of operations()) {
      for (const [type, media] of Object.entries((op['requestBody']?.content ?? {}) as Json)) {
        if (media.example === undefined && !media.examples) gaps.push(`${name}: request body (${type}) has no example`);
      }
      for (const p of (op['parameters'] ?? []) as Json[]) {
        if (p['required'] && p['example'] === undefined && !p['examples']) gaps.push(`${name}: ${p['in']} parameter ${p['name']} has no example`);
      }
    }
    expect(gaps).toEqual([]);
  });

  it('has only examples that fit their schemas', () => {
    const schemas = doc['components'].schemas as Record<string, Json>;
    const deref = (node: unknown): unknown => {
      if (Array.isArray(node)) return node.map(deref);
      if (node === null || typeof node !== 'object') return node;
      const ref = (node as Json)['$ref'];
      if (typeof ref === 'string') return deref(schemas[ref.replace('#/components/schemas/', '')]);
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, deref(v)]));
    };
    const examplesOf = (holder: Json): unknown[] => [
      ...(holder['example'] !== undefined ? [holder['example']] : []),
      ...Object.values((holder['examples'] ?? {}) as Record<string, { value: unknown }>).map((e) => e.value),
    ];
    const wrong: string[] = [];
    let checked = 0;
    const check = (where: string, schema: unknown, holder: Json) => {
      for (const example of examplesOf(holder)) {
        checked++;
        if (!Schema.Check(deref(schema) as Schema.XSchema, example)) wrong.push(`${where}: ${JSON.stringify(example).slice(0, 120)}`);
      }
    };
    for (const { name, op } of operations()) {
      for (const [type, media] of Object.entries((op['requestBody']?.content ?? {}) as Json)) check(`${name} request ${type}`, media.schema, media);
      for (const p of (op['parameters'] ?? []) as Json[]) check(`${name} ${p['in']} ${p['name']}`, p['schema'], p);
      for (const [status, r] of Object.entries(op['responses'] as Json)) {
        for (const [type, media] of Object.entries((r.content ?? {}) as Json)) check(`${name} ${status} ${type}`, media.schema, media);
      }
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(50);
  });

  it('shows what the counter routes answer, with an example per success answer', () => {
    for (const key of Object.keys(SUCCESS_EXAMPLES)) {
      const [method, path] = key.split(' ') as [string, string];
      const media = doc['paths'][path]?.[method.toLowerCase()]?.responses['200']?.content?.['application/json'];
      expect(media?.example ?? media?.examples, key).toBeTruthy();
    }
  });

  it('declares the roles and bearer security of each route, and its error answers with examples', () => {
    const byRoute = new Map(t.app.routeAccess.map((r) => [`${r.method.toLowerCase()} ${r.url.replace(/:([A-Za-z_]+)/g, '{$1}')}`, r.roles]));
    for (const { name, path, method, op } of operations()) {
      const roles = byRoute.get(`${method} ${path}`);
      expect(op['x-roles'], name).toEqual(roles);
      if (roles!.length > 0) {
        expect(op['security'], name).toEqual([{ bearer: [] }]);
        for (const status of ['401', '403', '429']) {
          const media = op['responses'][status]?.content?.['application/json'];
          expect(media?.schema, `${name} ${status}`).toEqual({ $ref: '#/components/schemas/Error' });
          expect(media.example ?? Object.values(media.examples ?? {})[0], `${name} ${status} example`).toBeTruthy();
        }
      } else {
        expect(op['security'], name).toEqual([]);
      }
    }
    expect(doc['components'].securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('lists every reason code with its zh and en message', () => {
    const code = doc['components'].schemas.ReasonCode;
    expect(code.enum).toEqual(REASON_CODES);
    for (const c of REASON_CODES) {
      expect(code['x-reasons'][c].message, c).toEqual(reasonDef(c).message);
      expect(doc['info'].description, c).toContain(`\`${c}\``);
      expect(doc['info'].description, c).toContain(reasonDef(c).message.zh);
    }
    expect(doc['components'].schemas.Reason.properties.code).toEqual({ $ref: '#/components/schemas/ReasonCode' });
  });

  it('names the shared schemas so generated clients get named types', () => {
    const body = JSON.stringify(doc['paths']);
    for (const name of ['Error', 'Reason', 'MaskedCard', 'Account']) expect(body).toContain(`"#/components/schemas/${name}"`);
  });

  it('serves the browsable documentation at /docs without a token', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    const json = await t.app.inject({ method: 'GET', url: '/docs/json' });
    expect(json.json()).toEqual(doc);
  });
});
