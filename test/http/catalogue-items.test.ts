import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';

const STATIN = 'XC10AAA058A001010100123'; // sample policy: class B 0.1000, 0.0500 for person type 21 (retired)

describe('catalogue item views', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  const get = async (url: string) => {
    const res = await t.app.inject({ method: 'GET', url, headers: t.auth('cashier') });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };

  it('show the class-B shares the payment policy sets per person type, beside the default', async () => {
    expect(await get(`/v1/catalogue/items/${STATIN}`)).toMatchObject({ selfPayRatio: '0.1000', selfPayRatioByPersonType: { 21: '0.0500' } });
    expect((await get(`/v1/catalogue/lookup?code=${STATIN}`)).item.selfPayRatioByPersonType).toEqual({ 21: '0.0500' });
    const found = (await get('/v1/catalogue/search?q=阿托伐他汀')).items as { code: string; selfPayRatioByPersonType: object }[];
    expect(found.find((i) => i.code === STATIN)?.selfPayRatioByPersonType).toEqual({ 21: '0.0500' });
    // A code with no person-type rows: an empty object.
    expect((await get('/v1/catalogue/lookup?barcode=6901234567892')).item.selfPayRatioByPersonType).toEqual({});
  });
});
