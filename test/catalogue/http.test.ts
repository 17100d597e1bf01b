import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sample1301Text } from '../../catalogue/make-samples.js';
import { zipOneFile } from '../../src/catalogue/io/zip.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { sample } from './helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const upload = (filename: string, body: Buffer | string, role: 'admin' | 'cashier' = 'admin', type = 'application/octet-stream') =>
  t.app.inject({ method: 'POST', url: `/v1/catalogue/imports?filename=${encodeURIComponent(filename)}`, headers: { ...t.auth(role), 'content-type': type }, payload: body });

describe('catalogue over HTTP', () => {
  it('the first start seeded the sample catalogue, its policy and the item mapping', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/catalogue/versions', headers: t.auth('auditor') });
    expect(res.statusCode).toBe(200);
    expect(res.json().versions.map((v: { format: string; active: boolean }) => [v.format, v.active])).toEqual([['mapping', true], ['policy', true], ['1301', false]]);
  });

  it('looks an item up by code, barcode or local code', async () => {
    const byCode = await t.app.inject({ method: 'GET', url: '/v1/catalogue/items/XC10AAA058A001010100123', headers: t.auth('cashier') });
    expect(byCode.json()).toMatchObject({ code: 'XC10AAA058A001010100123', insuranceClass: 'B', selfPayRatio: '0.1000', priceCap: '30.00', overCapHandling: 'self-pay-excess', prescriptionOnly: true });
    const byBarcode = await t.app.inject({ method: 'GET', url: '/v1/catalogue/lookup?barcode=6901234567892', headers: t.auth('cashier') });
    expect(byBarcode.json()).toMatchObject({ code: 'XN02BEA011A001010100201', item: { name: '对乙酰氨基酚片', insuranceClass: 'A' } });
    const byLocal = await t.app.inject({ method: 'GET', url: '/v1/catalogue/lookup?localCode=L0007', headers: t.auth('cashier') });
    expect(byLocal.json().item).toMatchObject({ restricted: true, restrictedScope: '限有明确诊断的消化性溃疡、反流性食管炎患者' });
    const unmapped = await t.app.inject({ method: 'GET', url: '/v1/catalogue/lookup?barcode=6900000000000', headers: t.auth('cashier') });
    expect(unmapped.statusCode).toBe(404);
    expect(unmapped.json().error).toMatchObject({ code: 'NOT_FOUND', detail: { barcode: '6900000000000' } });
    const two = await t.app.inject({ method: 'GET', url: '/v1/catalogue/lookup?barcode=6901234567892&localCode=L0001', headers: t.auth('cashier') });
    expect(two.statusCode).toBe(400);
  });

  it('searches names by Chinese substring', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/v1/catalogue/search?q=${encodeURIComponent('地喹')}&limit=2`, headers: t.auth('cashier') });
    expect(res.json().items.map((i: { code: string }) => i.code)).toEqual(['XA01ABD075A002010100483', 'XA01ABD075A002010100594']);
    const generic = await t.app.inject({ method: 'GET', url: `/v1/catalogue/search?q=${encodeURIComponent('阿托伐他汀')}`, headers: t.auth('cashier') });
    expect(generic.json().items).toHaveLength(1);
  });

  it('admin import: a good upload becomes the active version', async () => {
    const res = await upload('sample-workbook.xlsx', readFileSync(sample('sample-workbook.xlsx')), 'admin', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ format: 'workbook-xlsx', warnings: [], version: { format: 'workbook', source: 'sample-workbook.xlsx', rowCount: 15, active: true } });
    const item = await t.app.inject({ method: 'GET', url: '/v1/catalogue/items/XC10AAA058A001010100123', headers: t.auth('cashier') });
    // The workbook has no policy: the one in force is kept.
    expect(item.json()).toMatchObject({ priceCap: '30.00' });
  });

  it('admin import: a bad file answers 400 with file, line and column and changes nothing', async () => {
    const before = (await t.app.inject({ method: 'GET', url: '/v1/catalogue/versions', headers: t.auth('admin') })).json();
    const bad = sample1301Text().replace('2020-01-01', '2020-02-30');
    const res = await upload('1301.zip', Buffer.from(zipOneFile('1301.txt', Buffer.from(bad))));
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'INVALID_REQUEST', detail: { file: '1301.zip', line: 1, column: 'begndate (column 37)', problem: 'not a date: "2020-02-30"' } });
    const after = (await t.app.inject({ method: 'GET', url: '/v1/catalogue/versions', headers: t.auth('admin') })).json();
    expect(after).toEqual(before);
  });

  it('admin import: only admins, only file bodies', async () => {
    expect((await upload('m.csv', 'x', 'cashier')).statusCode).toBe(403);
    const json = await t.app.inject({ method: 'POST', url: '/v1/catalogue/imports?filename=a.csv', headers: { ...t.auth('admin'), 'content-type': 'application/json' }, payload: '{}' });
    expect(json.statusCode).toBe(400);
    const empty = await upload('m.csv', '');
    expect(empty.statusCode).toBe(400);
    const noName = await t.app.inject({ method: 'POST', url: '/v1/catalogue/imports', headers: { ...t.auth('admin'), 'content-type': 'text/csv' }, payload: 'x' });
    expect(noName.json().error).toMatchObject({ code: 'INVALID_REQUEST' });
  });

  it('diff and rollback', async () => {
    const versions = (await t.app.inject({ method: 'GET', url: '/v1/catalogue/versions?kind=catalogue', headers: t.auth('admin') })).json().versions as { id: number }[];
    const [newest, previous] = versions;
    const diff = await t.app.inject({ method: 'GET', url: `/v1/catalogue/diff?from=${previous!.id}&to=${newest!.id}`, headers: t.auth('auditor') });
    expect(diff.statusCode).toBe(200);
    expect(diff.json().counts).toEqual({ added: 0, removed: 0, changed: diff.json().changed.length });
    const missing = await t.app.inject({ method: 'GET', url: '/v1/catalogue/diff?from=1&to=999', headers: t.auth('auditor') });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.detail.problem).toMatch(/no catalogue version 999/);
    const rb = await t.app.inject({ method: 'POST', url: '/v1/catalogue/rollback', headers: t.auth('admin'), payload: { kind: 'catalogue' } });
    expect(rb.json().version).toMatchObject({ id: previous!.id, active: true });
    const health = await t.app.inject({ method: 'GET', url: '/health' });
    expect(health.json().catalogue).toMatchObject({ version: previous!.id });
  });

  it('sync through the built-in platform simulator', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/catalogue/sync', headers: t.auth('admin') });
    expect(res.statusCode).toBe(200);
    // The seed already holds the platform's newest ver.
    expect(res.json()).toEqual({ upToDate: true, result: null });
    expect((await t.app.inject({ method: 'POST', url: '/v1/catalogue/sync', headers: t.auth('cashier') })).statusCode).toBe(403);
  });
});
