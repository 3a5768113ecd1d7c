import request from 'supertest';
import { deliverOk, invoicePaid, stripeId } from '../fixtures/stripe';
import { PRODUCTION_ENV } from '../fixtures/productionEnv';
import { WEBHOOK_SECRET, startHarness } from '../support/harness';
import type { Harness } from '../support/harness';

/** Issue 22: what the real app does differently when NODE_ENV=production. */

const MARCH = { periodStart: '2026-03-01T00:00:00Z', periodEnd: '2026-04-01T00:00:00Z' };
const asProductionApp = { Authorization: `Bearer ${PRODUCTION_ENV.API_KEYS}` };
/** Production as start-up accepts it, on the test database and stripe-mock (the harness fills those in). */
const { MONGODB_URI: _elsewhere, ...productionSettings } = PRODUCTION_ENV;
const production = { ...productionSettings, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, TEST_CLOCK: '0' };

let prod: Harness;
let staging: Harness;
let dev: Harness;
beforeAll(async () => {
  [prod, staging, dev] = await Promise.all([
    startHarness({ env: production }),
    startHarness({ env: { ...production, STRIPE_TEST_MODE: '1', STRIPE_SECRET_KEY: 'sk_test_staging' } }),
    startHarness(),
  ]);
  for (const h of [prod, staging, dev]) h.clock.set(new Date('2026-03-10T12:00:00Z'));
});
afterAll(async () => {
  await Promise.all([prod.close(), staging.close(), dev.close()]);
});

async function paidInvoice(h: Harness, livemode: boolean): Promise<{ customer: string; status: string }> {
  const customer = stripeId('cus');
  const status = await deliverOk(h.app, invoicePaid({ customer, subscription: stripeId('sub'), price: 'price_pro_m', ...MARCH }, { livemode }));
  return { customer, status };
}

describe('metrics and readiness in production', () => {
  it('when the public port is asked for /metrics or /readyz, then it answers 404: they are served on METRICS_PORT only', async () => {
    await request(prod.app).get('/metrics').expect(404);
    await request(prod.app).get('/readyz').expect(404);
    await request(prod.app).get('/healthz').expect(200, { ok: true });

    const ops = prod.service.opsApp;
    if (!ops) throw new Error('production has no listener for /metrics');
    const scraped = await request(ops).get('/metrics').expect(200);
    expect(scraped.text).toContain('credits_stripe_events_total');
    await request(ops).get('/readyz').expect(200, { ok: true, mongodb: 'up' });
    await request(ops).get('/healthz').expect(200);
  });

  it('when the metrics listener is asked for the API or the billing page, then it serves none of it', async () => {
    const ops = prod.service.opsApp;
    if (!ops) throw new Error('production has no listener for /metrics');
    await request(ops).get('/v1/customers/cus_x/balance').set(asProductionApp).expect(404);
    await request(ops).post('/webhooks/stripe').send('{}').expect(404);
    await request(ops).get(`/billing/${'a'.repeat(43)}`).expect(404);
  });

  it('when development runs with its defaults, then /metrics and /readyz stay on the one port', async () => {
    expect(dev.service.opsApp).toBeNull();
    await request(dev.app).get('/metrics').expect(200);
    await request(dev.app).get('/readyz').expect(200);
  });
});

describe('which Stripe events production acts on', () => {
  it('when a test-mode event reaches production, then it is ignored and credits nothing; a live one is credited', async () => {
    const test = await paidInvoice(prod, false);
    expect(test.status).toBe('ignored');
    await request(prod.app).get(`/v1/customers/${test.customer}/balance`).set(asProductionApp).expect(404);

    const live = await paidInvoice(prod, true);
    expect(live.status).toBe('processed');
    expect((await request(prod.app).get(`/v1/customers/${live.customer}/balance`).set(asProductionApp).expect(200)).body.balance).toBe(5000);
  });

  it('when staging runs production on Stripe test mode (STRIPE_TEST_MODE=1), then test events are credited and live ones ignored', async () => {
    expect((await paidInvoice(staging, false)).status).toBe('processed');
    expect((await paidInvoice(staging, true)).status).toBe('ignored');
  });
});

describe('the billing page in production', () => {
  it('when a link is opened, then every answer carries HSTS, the 401 page too; development sends none', async () => {
    const { customer } = await paidInvoice(prod, true);
    const minted = await request(prod.app).post(`/v1/customers/${customer}/billing-sessions`).set(asProductionApp).send({ returnUrl: 'https://app.example.com/account' }).expect(201);
    const path = new URL(minted.body.url).pathname;

    expect(minted.body.url).toMatch(/^https:\/\/billing\.example\.com\/billing\//);
    expect((await request(prod.app).get(path).expect(200)).headers['strict-transport-security']).toBe('max-age=31536000');
    expect((await request(prod.app).get(`/billing/${'b'.repeat(43)}`).expect(401)).headers['strict-transport-security']).toBe('max-age=31536000');
    expect((await request(dev.app).get(`/billing/${'b'.repeat(43)}`).expect(401)).headers['strict-transport-security']).toBeUndefined();
  });

  it('when a return URL is plain http, even to an allowed host, then 400 names the field', async () => {
    const { customer } = await paidInvoice(prod, true);
    const res = await request(prod.app).post(`/v1/customers/${customer}/billing-sessions`).set(asProductionApp).send({ returnUrl: 'http://app.example.com/account' }).expect(400);
    expect(res.body.error).toMatchObject({ type: 'invalid_request', field: 'returnUrl', message: 'returnUrl: must be an https URL' });

    const portal = await request(prod.app).post('/v1/customers/cus_prod1/portal').set(asProductionApp).send({ returnUrl: 'http://app.example.com/account' }).expect(400);
    expect(portal.body.error).toMatchObject({ field: 'returnUrl' });
  });
});
